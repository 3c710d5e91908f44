/**
 * `GET`/`HEAD /metrics` answered by a plain node:http listener in front of the Express app. Express'
 * own per-request work (routing, middleware chain, request/response decoration) cost about as much as
 * rendering a small exposition: at 100 namespaces it halved the request rate of a plain handler
 * (bench/RESULTS.md, scrape latency). Requests for exactly `/metrics` (a query string allowed) take this
 * path when the auth guard runs outside Express (or there is none); they are admitted or refused by the
 * same `admission.ts` as in Express. Everything else goes to `fallback`, the Express app, which still has
 * its own `/metrics` route for the rest (`/metrics/`, `/METRICS`, …).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authorize } from './auth.js';
import { createAdmission } from './admission.js';
import { answerMetrics, type MetricsSource } from './metrics-answer.js';
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
  const admit = createAdmission(deps.auth?.authorize);

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
    const url = req.url ?? '';
    if (url !== '/metrics' && !url.startsWith('/metrics?')) return fallback(req, res);
    const served = admit(req, res).then((ok) => (ok ? serve(req, res) : undefined));
    served.catch(() => res.destroy()); // only if onError itself throws
  };
}
