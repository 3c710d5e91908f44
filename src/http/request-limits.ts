/** What a request may carry: no body on any endpoint, and a bounded query string. */
import type { IncomingMessage } from 'node:http';

/** Longest query string accepted (bytes after `?`); longer gets 414. */
export const MAX_QUERY_LENGTH = 2048;

/** True if the request announces a body (no endpoint reads one). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** True if the query string of `url` is longer than {@link MAX_QUERY_LENGTH}. */
export function queryTooLong(url: string): boolean {
  const q = url.indexOf('?');
  return q >= 0 && url.length - q - 1 > MAX_QUERY_LENGTH;
}
