/**
 * Whether a request is served at all, decided in one place for the node:http `/metrics` fast path and the
 * Express app: only GET and HEAD, no body, a bounded query string, then authentication (the probes excepted).
 * A refused request is answered here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { UNAUTHENTICATED_PATHS, type Authorize } from './auth.js';
import { hasBody, MAX_QUERY_LENGTH, queryTooLong } from './request-limits.js';
import { sendText } from './respond.js';

/** Resolves true when `req` may be served; otherwise it has been answered (405, 413, 414, 401 or 500). */
export type Admit = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** The admission of every request, with `authorize` (the auth guard's) in front of all but the probes. */
export function createAdmission(authorize?: Authorize): Admit {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
      return false;
    }
    if (hasBody(req)) {
      // The body is never read: close the connection rather than drain it.
      sendText(res, 413, 'request bodies are not accepted\n', { Connection: 'close' });
      return false;
    }
    const url = req.url ?? '/';
    if (queryTooLong(url)) {
      sendText(res, 414, `query string longer than ${MAX_QUERY_LENGTH} bytes\n`);
      return false;
    }
    if (authorize === undefined || UNAUTHENTICATED_PATHS.has(pathOf(url))) return true;
    return authorize(req, res);
  };
}

/** The path of a request URL, without its query string. */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
