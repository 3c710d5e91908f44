/**
 * The HTTP surface: `/metrics`, `/healthz`, `/readyz`, a landing page and a read-only JSON API.
 * `createApp` only builds the request listener (plain `/metrics` scrapes on a fast path in front of
 * the express app); `listen` (re-exported here) binds it.
 */
import type { IncomingMessage } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { HourRow, LedgerSnapshot } from '../core/types.js';
import type { KeplerSchemaInfo } from '../exposition/health.js';
import type { Authorize } from './auth.js';
import { createMetricsFastPath } from './metrics-fast-path.js';
import { createAdmission } from './admission.js';
import { answerMetrics, type MetricsSource } from './metrics-answer.js';
import type { HttpHandler } from './respond.js';
import { hoursJson, namespacesJson, nodesJson } from './api-json.js';
import { chartFromHour, HOURS_SHOWN, renderStatusPage } from './status-page.js';
import { HOUR_SECONDS, parseTime, TimeError } from '../core/time.js';

export { listen, ListenError, type HostPort, type Listening } from './listen.js';
export { MAX_QUERY_LENGTH } from './request-limits.js';
export type { HttpHandler, MetricsBody } from './respond.js';

/** Readiness with the reason `/readyz` reports when not ready. */
export interface Readiness {
  readonly ready: boolean;
  readonly reason?: string;
}

/** Filter of `/api/v1/hours`; times are unix seconds, `from` inclusive, `to` exclusive (hour starts). */
export interface HoursQuery {
  readonly from?: number;
  readonly to?: number;
  readonly namespace?: string;
}

/** What `/` and `/api/v1/status` show; extra fields are passed through to the JSON. */
export interface AppStatus {
  readonly version: string;
  readonly keplerSchemas?: readonly KeplerSchemaInfo[];
  /** Unix seconds of the last successful poll. */
  readonly lastPollSuccess?: number;
  readonly ready?: boolean;
  /** Kepler zones seen that `kepler.zones` does not map. */
  readonly unknownZones?: readonly string[];
  readonly [key: string]: unknown;
}

export interface AppDeps extends MetricsSource {
  readonly isReady: () => boolean | Readiness;
  /** Liveness; `/healthz` is always 200 when absent. */
  readonly isHealthy?: () => boolean;
  readonly snapshot: () => LedgerSnapshot;
  readonly hours: (query: HoursQuery) => readonly HourRow[] | Promise<readonly HourRow[]>;
  readonly status: () => AppStatus;
  /** Wall clock, unix seconds, for the status page's ages (default `Date.now()`). */
  readonly now?: () => number;
  /** Called with errors that become a 500 (for logging). */
  readonly onError?: (err: unknown, req: IncomingMessage) => void;
  /**
   * Authentication in front of every endpoint but the probes (see `createAuthGuard`). A middleware
   * without `authorize` still guards everything, but `/metrics` then goes through Express.
   */
  readonly auth?: ((req: Request, res: Response, next: NextFunction) => void) & { readonly authorize?: Authorize };
}

const HOURS_PARAMS = new Set(['from', 'to', 'namespace']);

/** Builds the request listener (no listening socket): plain `GET`/`HEAD /metrics` on a fast path, the rest through Express. */
export function createApp(deps: AppDeps): HttpHandler {
  return createMetricsFastPath(deps, createExpressApp(deps));
}

/** Builds the express app alone; it answers everything `createApp` does, `/metrics` included, only slower. */
export function createExpressApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const authorize = deps.auth?.authorize;
  const admit = createAdmission(authorize);
  app.use((req, res, next) => void admit(req, res).then((ok) => ok && next(), next));
  // A plain middleware without `authorize` can only guard inside Express (and keeps /metrics off the fast path).
  if (deps.auth !== undefined && authorize === undefined) app.use(deps.auth);

  app.get('/metrics', async (req, res) => {
    await answerMetrics(deps, req, res);
  });

  app.get('/healthz', (_req, res) => {
    const healthy = deps.isHealthy?.() ?? true;
    res.status(healthy ? 200 : 503).type('text/plain').send(healthy ? 'ok\n' : 'unhealthy\n');
  });

  app.get('/readyz', (_req, res) => {
    const r = deps.isReady();
    const { ready, reason } = typeof r === 'boolean' ? { ready: r, reason: undefined } : r;
    res.status(ready ? 200 : 503).type('text/plain').send(ready ? 'ready\n' : `not ready: ${reason ?? 'starting'}\n`);
  });

  app.get('/', async (_req, res) => {
    const status = deps.status();
    const snapshot = deps.snapshot();
    const from = snapshot.watermark === undefined ? undefined : chartFromHour(snapshot.watermark);
    const hours = from === undefined ? [] : await deps.hours({ from, to: from + HOURS_SHOWN * HOUR_SECONDS });
    const page = renderStatusPage({
      version: status.version,
      keplerSchemas: status.keplerSchemas ?? [],
      snapshot,
      hours,
      now: deps.now?.() ?? Date.now() / 1000,
      ...(typeof status.lastPollSuccess === 'number' && { lastPollSuccess: status.lastPollSuccess }),
      ...(typeof status.ready === 'boolean' && { ready: status.ready }),
      ...(status.unknownZones !== undefined && { unknownZones: status.unknownZones }),
    });
    res.type('html').set('Cache-Control', 'no-store').send(page);
  });

  const namespacesBody = perSnapshot((s) => JSON.stringify(namespacesJson(s)));
  const nodesBody = perSnapshot((s) => JSON.stringify(nodesJson(s)));
  app.get('/api/v1/namespaces', (_req, res) => void res.type('json').send(namespacesBody(deps.snapshot())));
  app.get('/api/v1/nodes', (_req, res) => void res.type('json').send(nodesBody(deps.snapshot())));
  app.get('/api/v1/status', (_req, res) => void res.json(deps.status()));

  app.get('/api/v1/hours', async (req, res) => {
    const parsed = parseHoursQuery(req.query);
    if ('error' in parsed) return void res.status(400).json({ error: parsed.error });
    // The rows may wait for a publication in progress: the snapshot is read after them, so both are of one poll.
    const rows = await deps.hours(parsed);
    res.json(hoursJson(deps.snapshot(), rows));
  });

  app.use((req, res) => {
    if (req.path.startsWith('/api/')) return void res.status(404).json({ error: `no such endpoint: ${req.path}` });
    res.status(404).type('text/plain').send('not found\n');
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    deps.onError?.(err, req);
    if (res.headersSent) return void res.destroy();
    if (req.path.startsWith('/api/')) return void res.status(500).json({ error: 'internal error' });
    res.status(500).type('text/plain').send('internal error\n');
  });
  return app;
}

/** Memoises `render` per snapshot object (snapshots are immutable). */
function perSnapshot(render: (s: LedgerSnapshot) => string): (s: LedgerSnapshot) => string {
  const cache = new WeakMap<LedgerSnapshot, string>();
  return (s) => {
    let body = cache.get(s);
    if (body === undefined) cache.set(s, (body = render(s)));
    return body;
  };
}

/** Validates the `/api/v1/hours` query: known keys, each at most once, times as RFC 3339 or unix seconds. */
export function parseHoursQuery(query: Request['query']): HoursQuery | { error: string } {
  const out: { from?: number; to?: number; namespace?: string } = {};
  for (const [key, raw] of Object.entries(query)) {
    if (!HOURS_PARAMS.has(key)) return { error: `unknown query parameter '${key}' (allowed: from, to, namespace)` };
    if (typeof raw !== 'string') return { error: `query parameter '${key}' must be given once` };
    if (key === 'namespace') {
      if (raw === '') return { error: "query parameter 'namespace' must not be empty" };
      out.namespace = raw;
      continue;
    }
    try {
      out[key as 'from' | 'to'] = parseTime(raw);
    } catch (err) {
      if (!(err instanceof TimeError)) throw err;
      return { error: `invalid '${key}': ${err.message}` };
    }
  }
  if (out.from !== undefined && out.to !== undefined && out.from > out.to) {
    return { error: "'from' must not be after 'to'" };
  }
  return out;
}
