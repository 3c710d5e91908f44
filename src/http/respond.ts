/**
 * Raw node:http answers shared by the Express routes and the `/metrics` fast path, so that both
 * send the same status, headers and bytes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROMETHEUS_CONTENT_TYPE } from '../exposition/text-format.js';

/** A `/metrics` body: text, bytes, or byte chunks written in order (no copy of a cached chunk). */
export type MetricsBody = string | Uint8Array | readonly Uint8Array[];

/** A node:http request listener (an Express app is one). */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Answers with `text/plain; charset=utf-8` (no body on HEAD: node drops it). */
export function sendText(res: ServerResponse, status: number, text: string, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** How a `/metrics` body is encoded: `gzip` sets `Content-Encoding`; `negotiated` adds `Vary: Accept-Encoding`. */
export interface MetricsEncoding {
  readonly gzip?: boolean;
  readonly negotiated?: boolean;
}

/** Answers 200 with the exposition: one writev for all chunks, headers only on HEAD. */
export function sendMetrics(res: ServerResponse, body: MetricsBody, encoding: MetricsEncoding = {}): void {
  const chunks = typeof body === 'string' || body instanceof Uint8Array ? [body] : body;
  const buffers = chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c));
  let length = 0;
  for (const b of buffers) length += b.byteLength;
  res.writeHead(200, {
    'Content-Type': PROMETHEUS_CONTENT_TYPE,
    'Cache-Control': 'no-store',
    'Content-Length': length,
    ...(encoding.gzip === true && { 'Content-Encoding': 'gzip' }),
    ...(encoding.negotiated === true && { Vary: 'Accept-Encoding' }),
  });
  if (res.req.method === 'HEAD') return void res.end();
  res.cork(); // one writev for the cached ledger chunk and the small dynamic one
  for (const b of buffers) res.write(b);
  res.end();
  res.uncork();
}
