/**
 * The live acceptance check shared by the Prometheus and VictoriaMetrics tests: two simulated clusters
 * (Kepler v0.10+ and v0.4–v0.9, one Kepler restart each) scraped every second by one backend, one
 * in-process `serve` per cluster (selected by job), two minutes of data, then the ledger's joules counters
 * against the ground truth of the span the backend stored.
 */
import { expect } from 'vitest';
import type { RunningBackend } from '../support/backend.js';
import type { SchemaId } from '../../src/core/types.js';
import { waitFor } from '../support/wait-for.js';
import { accountStored, describeDiagnosis, energyRows } from './live-diagnosis.js';
import { byLabel, scrape, startLiveCluster, startService, storedScrapes, storedSpanTruth, valueOf, type LiveCluster, type RunningService } from './live-support.js';

/** How long the clusters are scraped, seconds. */
export const LIVE_SECONDS = 120;
const CASES: readonly { schema: SchemaId; seed: number; job: string }[] = [
  { schema: 'v0.10+', seed: 101, job: 'kepler-v010' },
  { schema: 'v0.4-v0.9', seed: 202, job: 'kepler-v04' },
];

/** Per case, what was measured (for the test log). */
export interface LiveResult {
  readonly schema: SchemaId;
  readonly namespaces: number;
  readonly maxRelativeError: number;
  readonly totalJoules: number;
  readonly storedSeconds: number;
}

/**
 * Runs the check against a backend that `startBackend` starts with the given scrape configs.
 * `settle` is how long after the last scrape the services must have polled (backend ingestion delay).
 */
export async function runLiveCheck(
  startBackend: (scrapeConfigs: Record<string, unknown>[]) => Promise<RunningBackend>,
  settleSeconds: number,
): Promise<LiveResult[]> {
  const clusters: LiveCluster[] = [];
  const services: RunningService[] = [];
  let backend: RunningBackend | undefined;
  try {
    for (const c of CASES) clusters.push(await startLiveCluster(c.schema, c.seed, { restartAfterSeconds: Math.round(LIVE_SECONDS / 2) }));
    backend = await startBackend(CASES.map((c, i) => clusters[i]!.scrapeConfig(c.job)));
    const url = backend.url;
    // The services start before the backend has stored anything: the first scrapes become baselines later.
    for (const c of CASES) {
      services.push(await startService({ prometheus: { url, selector: `{job="${c.job}"}` }, interval: '2s', backfill: '1h' }));
    }
    const started = Date.now() / 1000;
    await new Promise((resolve) => setTimeout(resolve, LIVE_SECONDS * 1000));
    // While Kepler is scraped: the poll succeeds and the schema is detected, with the version Kepler reports.
    for (const [i, c] of CASES.entries()) {
      const metrics = await scrape(services[i]!.url);
      expect(valueOf(metrics, 'energy_ledger_up')).toBe(1);
      const info = metrics.filter((m) => m.name === 'energy_ledger_kepler_info');
      expect(info.map((m) => [m.labels.schema, m.value])).toEqual([[c.schema, 1]]);
      expect(info[0]!.labels.version).toMatch(/\d+\.\d+\.\d+/);
    }
    for (const cluster of clusters) cluster.stopScrapes();
    const stopped = Date.now() / 1000;
    const last = await Promise.all(
      services.map((s) =>
        waitFor(async () => {
          const metrics = await scrape(s.url);
          return (valueOf(metrics, 'energy_ledger_last_poll_success_timestamp_seconds') ?? 0) > stopped + settleSeconds && metrics;
        }, 30_000, 250),
      ),
    );

    const results: LiveResult[] = [];
    for (const [i, c] of CASES.entries()) {
      const metrics = last[i]!;
      expect(valueOf(metrics, 'energy_ledger_up')).toBe(1);
      expect(valueOf(metrics, 'energy_ledger_counter_resets_total', { cause: 'kepler_restart' })).toBeGreaterThan(0);

      const scrapes = await storedScrapes(url, c.schema, c.job);
      expect([...scrapes.keys()].sort()).toEqual(['worker-1', 'worker-2', 'worker-3']);
      const firstStored = Math.min(...[...scrapes.values()].map((t) => t[0]!));
      const lastStored = Math.max(...[...scrapes.values()].map((t) => t[t.length - 1]!));
      expect(lastStored).toBeLessThan(stopped + 0.1);
      expect(firstStored).toBeGreaterThan(started - 5);
      // The ledger has read everything the backend stored: its settled watermark is the oldest of the
      // nodes' newest stored scrapes (every node has reported up to it).
      const settled = Math.min(...[...scrapes.values()].map((t) => t[t.length - 1]!));
      expect(valueOf(metrics, 'energy_ledger_data_watermark_timestamp_seconds')).toBeCloseTo(settled, 3);

      const expected = storedSpanTruth(clusters[i]!, scrapes);
      const got = byLabel(metrics, 'energy_ledger_namespace_energy_joules_total', 'namespace');
      const stored = await accountStored(url, clusters[i]!, c.job, scrapes);
      const diagnosis = describeDiagnosis(c.schema, energyRows(clusters[i]!, scrapes, got, stored), stored);
      expect([...got.keys()].sort(), diagnosis).toEqual([...expected.keys()].sort());
      const rows = [...expected].map(([namespace, joules]) => ({ namespace, relative: Math.abs(got.get(namespace)! - joules) / joules }));
      const maxRelativeError = Math.max(...rows.map((r) => r.relative));
      // Where an error is: ledger = stored-derived ≠ truth blames the truth, ledger ≠ stored-derived the service.
      if (maxRelativeError > 1e-6 || stored.offModel.length > 0) console.info(`live diagnosis:\n${diagnosis}`);
      expect(maxRelativeError, diagnosis).toBeLessThan(0.01);
      results.push({
        schema: c.schema,
        namespaces: expected.size,
        maxRelativeError,
        totalJoules: [...expected.values()].reduce((a, b) => a + b, 0),
        storedSeconds: lastStored - firstStored,
      });
    }
    return results;
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    await backend?.stop();
    await Promise.all(clusters.map((c) => c.close()));
  }
}
