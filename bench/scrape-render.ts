/**
 * CPU per `metricsChunks()` call of the `/metrics` registry at 100 namespaces, in process (no HTTP): with
 * the self-metrics unchanged between calls (the usual scrape) and with one self-metric update before each
 * call (the render path). Far less sensitive to other load on the machine than the HTTP rows.
 */
import { createMetricsRegistry } from '../src/exposition/registry.js';
import { ServiceMetrics } from '../src/exposition/service-metrics.js';
import { scrapeSnapshot } from './scrape-snapshot.js';
import type { BenchRow } from './types.js';

/** CPU µs per call of `call` over `n` calls, after `n / 10` warm-up calls. */
async function cpuPerCall(n: number, call: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < n / 10; i++) await call(i);
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await call(i);
  const { user, system } = process.cpuUsage(start);
  return (user + system) / n;
}

/** The two rows; `calls` per measurement. */
export async function scrapeRenderRows(calls: number): Promise<BenchRow[]> {
  const snapshot = scrapeSnapshot(100);
  const service = new ServiceMetrics('0.0.0-bench');
  const registry = createMetricsRegistry({ snapshot: () => snapshot, version: '0.0.0-bench', service });
  const unchanged = await cpuPerCall(calls, () => registry.metricsChunks());
  const changed = await cpuPerCall(calls, (i) => {
    service.pollSucceeded(1_700_000_000 + i, 0.5);
    return registry.metricsChunks();
  });
  const note = `in process, ${calls} calls; process metrics reused per 1 s as served`;
  return [
    { name: '100 namespaces: registry CPU per scrape, self-metrics unchanged', figure: unchanged, unit: 'µs', note },
    { name: '100 namespaces: registry CPU per scrape, one self-metric update before each', figure: changed, unit: 'µs', note },
  ];
}
