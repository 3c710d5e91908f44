/**
 * Child process of the scrape latency bench: serves `/metrics` of `createApp` + `createMetricsRegistry`
 * for a snapshot of N namespaces, the same through the express app alone (`createExpressApp`, no fast
 * path), and a plain node:http server returning the same bytes from memory.
 * Sends `{ product, express, floor, bytes }` (URLs and body size) to the parent, then serves until killed;
 * answers any later message with its CPU time (`{ cpuMicros }`).
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMetricsRegistry } from '../src/exposition/registry.js';
import { createApp, createExpressApp, type AppDeps } from '../src/http/app.js';
import { scrapeSnapshot } from './scrape-snapshot.js';

async function serve(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics` };
}

const namespaces = Number(process.argv[2]);
const snapshot = scrapeSnapshot(namespaces);
const registry = createMetricsRegistry({ snapshot: () => snapshot, version: '0.0.0-bench' });
const deps: AppDeps = {
  metrics: () => registry.metricsChunks(),
  isReady: () => true,
  snapshot: () => snapshot,
  hours: () => [],
  status: () => ({ version: '0.0.0-bench' }),
};
const bytes = Buffer.concat(await registry.metricsChunks());
const product = await serve(createApp(deps));
const express = await serve(createExpressApp(deps));
const floor = await serve((_req, res) => {
  res.writeHead(200, { 'content-type': registry.contentType, 'content-length': bytes.length });
  res.end(bytes);
});
process.send?.({ product: product.url, express: express.url, floor: floor.url, bytes: bytes.length });
// Any message from the parent asks for this process' CPU time so far (user + system, µs).
process.on('message', () => {
  const { user, system } = process.cpuUsage();
  process.send?.({ cpuMicros: user + system });
});
process.on('disconnect', () => process.exit(0));
