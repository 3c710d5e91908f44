/**
 * `GET`/`HEAD /metrics` answered by a plain node:http listener in front of the Express app. Express'
 * own per-request work (routing, middleware chain, request/response decoration) cost about as much as
 * rendering a small exposition: at 100 namespaces it halved the request rate of a plain handler
 * (bench/RESULTS.md, scrape latency). Only a plain scrape takes this path: GET or HEAD of exactly
 * `/metrics` (a query string allowed), no body, a query string within bounds, and an auth guard that
 * runs outside Express (or none). Everything else, every rejection included, goes to `fallback`, the
 * Express app, which still has its own `/metrics` route for the rest (`/metrics/`, `/METRICS`, …).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authorize } from './auth.js';
import { answerMetrics, type MetricsSource } from './metrics-answer.js';
import { hasBody, queryTooLong } from './request-limits.js';
import { sendText, type HttpHandler } from './respond.js';

/** What the fast path needs of the app's dependencies (`AppDeps` fits). */
export interface MetricsFastPathDeps extends MetricsSource {
  /** Called with a render failure (answered 500). */
  readonly onError?: (err: unknown, req: IncomingMessage) => void;
  /** An auth guard; without `authorize` (a middleware that only runs inside Express) there is no fast path. */
  readonly auth?: { readonly authorize?: Authorize };
}

/** Wraps `fallback` so that plain `/metrics` scrapes skip it; returns `fallback` itself when the auth guard cannot run outside it. */
export function createMetricsFastPath(deps: MetricsFastPathDeps, fallback: HttpHandler): HttpHandler {
  if (deps.auth !== undefined && deps.auth.authorize === undefined) return fallback;
  const authorize = deps.auth?.authorize;

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      await answerMetrics(deps, req, res);
    } catch (err) {
      deps.onError?.(err, req);
      if (res.headersSent) return void res.destroy();
      sendText(res, 500, 'internal error\n');
    }
  };

  return (req, res) => {
    if (!isPlainScrape(req)) return fallback(req, res);
    const served = authorize === undefined ? serve(req, res) : authorize(req, res).then((ok) => (ok ? serve(req, res) : undefined));
    served.catch(() => res.destroy()); // only if onError itself throws
  };
}

function isPlainScrape(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  return (
    (req.method === 'GET' || req.method === 'HEAD') &&
    (url === '/metrics' || (url.startsWith('/metrics?') && !queryTooLong(url))) &&
    !hasBody(req)
  );
}
