/** The one answer to `GET /metrics`, shared by the node:http fast path and the Express route. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { acceptsGzip } from './accept-encoding.js';
import { sendMetrics, type MetricsBody } from './respond.js';

/** Where the exposition comes from (`AppDeps` fits). */
export interface MetricsSource {
  /** The exposition, e.g. `() => metricsRegistry.metricsChunks()`. */
  readonly metrics: () => MetricsBody | Promise<MetricsBody>;
  /** The same exposition gzip-compressed (chunks may be gzip members, concatenated), for scrapers that accept gzip. */
  readonly metricsGzip?: () => MetricsBody | Promise<MetricsBody>;
}

/** Answers with the exposition, gzip-compressed when the request accepts it and the source has it. Rejects when rendering fails. */
export async function answerMetrics(source: MetricsSource, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const negotiated = source.metricsGzip !== undefined;
  const gzip = negotiated && acceptsGzip(req.headers['accept-encoding']);
  sendMetrics(res, await (gzip ? source.metricsGzip!() : source.metrics()), { gzip, negotiated });
}
