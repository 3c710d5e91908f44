/**
 * The Prometheus HTTP API over a sample source (a `SimulatedPrometheus`), for what `PrometheusSource` asks: a POSTed
 * instant query of a range selector `selector[<n>ms]` at `time`, answered like Prometheus 2.42 (the
 * binary the tests run): a matrix of the samples in `[time − n ms, time]` (left-closed; the source
 * clips to left-open), metric labels sorted, values as strings, gzipped when asked. `GET /stats` tells
 * what serving cost this process.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { constants, gzip as gzipCallback } from 'node:zlib';
import type { RawSeries } from '../src/core/types.js';
import type { SampleSource } from '../src/read/sample-source.js';

const gzip = promisify(gzipCallback);

/** What serving cost so far. */
export interface ServeStats {
  /** CPU time of this process (all threads, gzip included), seconds. */
  readonly cpuSeconds: number;
  /** Wall time spent computing answers (from request body to compressed body), seconds. */
  readonly busySeconds: number;
  readonly queries: number;
  readonly samples: number;
  /** Uncompressed JSON bytes served. */
  readonly bytes: number;
}

/** A running API server. */
export interface SimulatedApi {
  readonly url: string;
  close(): Promise<void>;
}

/** The answer body of a matrix, as Prometheus writes it. */
export function matrixJson(series: readonly RawSeries[]): string {
  const parts: string[] = [];
  const sorted = series.map((s) => ({ s, metric: JSON.stringify(Object.fromEntries(Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))) }));
  sorted.sort((a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0));
  for (const { s, metric } of sorted) {
    let values = '';
    for (let i = 0; i < s.timestamps.length; i++) values += `${i === 0 ? '' : ','}[${s.timestamps[i]},"${s.values[i]}"]`;
    parts.push(`{"metric":${metric},"values":[${values}]}`);
  }
  return `{"status":"success","data":{"resultType":"matrix","result":[${parts.join(',')}]}}`;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Serves `source` on 127.0.0.1 (a free port). */
export async function startSimulatedApi(source: SampleSource): Promise<SimulatedApi> {
  let busy = 0;
  let queries = 0;
  let samples = 0;
  let bytes = 0;
  const send = (res: ServerResponse, status: number, text: string): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(text);
  const query = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const form = new URLSearchParams(await body(req));
    const t0 = performance.now();
    const range = /^(.*)\[(\d+)ms\]$/s.exec(form.get('query') ?? '');
    const time = Number(form.get('time'));
    if (range === null || !Number.isFinite(time)) {
      send(res, 400, JSON.stringify({ status: 'error', errorType: 'bad_data', error: `the simulator answers range selectors only, got ${form.get('query')}` }));
      return;
    }
    const start = time - Number(range[2]) / 1000;
    // Sample times have millisecond precision: (start − 1 ms, time] is [start, time].
    const series = await source.fetchRange({ selector: range[1]!, start: start - 0.001, end: time });
    const text = matrixJson(series);
    queries++;
    for (const s of series) samples += s.timestamps.length;
    bytes += text.length;
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      const zipped = await gzip(text, { level: constants.Z_BEST_SPEED });
      busy += performance.now() - t0;
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(zipped);
      return;
    }
    busy += performance.now() - t0;
    send(res, 200, text);
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'POST' && path === '/api/v1/query') {
      query(req, res).catch((error: unknown) => send(res, 422, JSON.stringify({ status: 'error', errorType: 'execution', error: String(error) })));
      return;
    }
    if (path === '/stats') {
      const cpu = process.cpuUsage();
      const stats: ServeStats = { cpuSeconds: (cpu.user + cpu.system) / 1e6, busySeconds: busy / 1000, queries, samples, bytes };
      send(res, 200, JSON.stringify(stats));
      return;
    }
    send(res, 404, JSON.stringify({ status: 'error', errorType: 'not_found', error: `not served by the simulator: ${req.method} ${path}` }));
  });
  // Answers block the event loop for seconds (more on a loaded machine): no header or request deadlines (HTTP 408).
  server.headersTimeout = 0;
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
