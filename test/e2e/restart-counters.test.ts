/**
 * Issue 12 acceptance: the service restarted while a real Prometheus scrapes it. A simulated v0.10+ cluster
 * is scraped every second after 3 h of stored history, and so is the service, on a fixed address; the first
 * process reads the whole history (backfill 4h); half-way it is stopped and a new process starts on the same
 * address with backfill 1h (its origin is hours later: without the restore its counters would drop). The
 * stored history also holds the hour of counters (and `month_to_date`) a replica on that address published
 * before the live part, one scrape a second, so that `increase(…[1h])` can be taken over a whole hour that
 * holds the restart. Per namespace the stored `…_joules_total` never decreases between consecutive scrapes
 * (from the stored hour into the first process, and across the restart), Prometheus sees no reset, and
 * `increase(…[1h])` across the restart equals the counter's change over that hour within 0.5 % (plus, only
 * where one falls in the second at either end of the window, one Kepler counter step: increase() extrapolates
 * there).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_SECONDS } from '../../src/core/time.js';
import { generateScenario, writeOpenMetrics } from '../../src/sim/index.js';
import { ledgerMetricNames } from './support/history.js';
import type { RunningBackend } from '../support/backend.js';
import { freePort } from '../support/free-port.js';
import { startPrometheus } from '../support/prometheus-server.js';
import { waitFor } from '../support/wait-for.js';
import { appendPublishedCounters } from './support/published-counters.js';
import { rawSamples, scrape, startLiveCluster, startService, valueOf, type LiveCluster, type RunningService } from './live-support.js';

const COUNTER = 'energy_ledger_namespace_energy_joules_total';
const SECONDS_EACH = 50;
const WINDOW = 3600;

const sleep = (s: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, s * 1000));

describe('joules counters across a restart of the service, as Prometheus stores them', () => {
  let cluster: LiveCluster;
  let prometheus: RunningBackend;
  let service: RunningService | undefined;
  let restartedAt = 0;
  /** Namespaces whose counters the stored hour holds. */
  let storedNamespaces: string[] = [];
  let series: { labels: Record<string, string>; samples: [number, number][] }[] = [];

  let dir: string | undefined;

  beforeAll(async () => {
    // 3 h of stored history before the live cluster: the first process reads it all (backfill 4h), the
    // second one only its last hour or two (backfill 1h), as a restart hours after the first start would.
    dir = await mkdtemp(path.join(tmpdir(), 'e2e-restart-'));
    const now = Math.floor(Date.now() / 1000);
    const history = generateScenario({ schema: 'v0.10+', seed: 1202, start: now - 3 * HOUR_SECONDS, durationSeconds: 3 * HOUR_SECONDS, nodes: 2, namespaces: 4, churn: 0, scrapeIntervalSeconds: 30 });
    const file = path.join(dir, 'history.om.txt');
    await writeOpenMetrics(history, file, { from: history.start - 1, to: now - 60, metrics: ledgerMetricNames('v0.10+'), match: '{zone=~"package|dram|"}' });
    const port = await freePort();
    storedNamespaces = await appendPublishedCounters(file, history, { from: now - HOUR_SECONDS, to: now - 60, stepSeconds: 1, target: { job: 'energy-ledger', instance: `127.0.0.1:${port}` } });
    cluster = await startLiveCluster('v0.10+', 1201);
    const settings = { listen: `127.0.0.1:${port}`, prometheus: { selector: '{job="kepler"}' }, interval: '1s', backfill: '4h', log_level: 'warn' };
    prometheus = await startPrometheus({
      blocksFrom: file,
      scrapeConfigs: [cluster.scrapeConfig('kepler'), { job_name: 'energy-ledger', honor_labels: true, scrape_interval: '1s', static_configs: [{ targets: [`127.0.0.1:${port}`] }] }],
    });
    const withUrl = { ...settings, prometheus: { ...settings.prometheus, url: prometheus.url } };
    service = await startService(withUrl);
    await sleep(SECONDS_EACH);
    await service.stop();
    restartedAt = Date.now() / 1000;
    service = await startService({ ...withUrl, backfill: '1h' });
    await waitFor(async () => service!.poller.restored && (valueOf(await scrape(service!.url), 'energy_ledger_restore_progress_ratio') ?? 0) === 1, 60_000, 250);
    await sleep(SECONDS_EACH);
    series = await rawSamples(prometheus.url, `${COUNTER}{job="energy-ledger"}[2h]`);
  }, 300_000);

  afterAll(async () => {
    await service?.stop();
    await prometheus?.stop();
    await cluster?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('stores every namespace counter on both sides of the restart, never decreasing between consecutive scrapes', () => {
    expect(series.length).toBeGreaterThanOrEqual(5);
    const gaps = series.map((s) => s.samples.find(([t]) => t > restartedAt)![0] - s.samples.filter(([t]) => t < restartedAt).at(-1)![0]);
    console.info(`[restart] counters absent for ${Math.max(...gaps).toFixed(1)} s around the restart (stop, start, backfill, restore)`);
    for (const s of series) {
      const before = s.samples.filter(([t]) => t < restartedAt);
      const after = s.samples.filter(([t]) => t > restartedAt);
      expect(before.length, s.labels.namespace).toBeGreaterThan(10);
      expect(after.length, s.labels.namespace).toBeGreaterThan(10);
      for (let i = 1; i < s.samples.length; i++) expect(s.samples[i]![1], `${s.labels.namespace} at ${s.samples[i]![0]}`).toBeGreaterThanOrEqual(s.samples[i - 1]![1]);
      expect(after[after.length - 1]![1]).toBeGreaterThan(before[before.length - 1]![1]);
    }
  });

  it('gives no reset and an increase() across the restart within 0.5 % of the counter change over the window', async () => {
    const end = restartedAt + 25;
    const [resets, increase] = await Promise.all(
      [`resets(${COUNTER}{job="energy-ledger"}[${WINDOW}s])`, `increase(${COUNTER}{job="energy-ledger"}[${WINDOW}s])`].map(async (query) => {
        const body = new URLSearchParams({ query, time: String(end) });
        const json = (await (await fetch(`${prometheus.url}/api/v1/query`, { method: 'POST', body })).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
        return new Map(json.data.result.map((r) => [r.metric.namespace!, Number(r.value[1])]));
      }),
    );
    expect(resets!.size).toBe(series.length);
    for (const [ns, n] of resets!) expect(n, ns).toBe(0);
    // The namespaces of the stored hour span the window; the live cluster's others start inside it.
    const spanning = series.filter((s) => s.samples[0]![0] < end - WINDOW);
    expect(spanning.map((s) => s.labels.namespace).sort()).toEqual([...storedNamespaces].sort());
    for (const s of spanning) {
      const ns = s.labels.namespace!;
      // The counter's change over the window, interpolated at its bounds from the stored samples.
      const want = at(s.samples, end) - at(s.samples, end - WINDOW);
      expect(want, ns).toBeGreaterThan(0);
      // increase() extrapolates from the samples inside the window to its ends (at most a second here); where a
      // Kepler counter step falls in that second, it may differ from the interpolation by that step.
      const stepNear = (t: number): number => {
        const near = s.samples.filter(([time]) => time >= t - 2 && time <= t + 2);
        return near.length < 2 ? 0 : near[near.length - 1]![1] - near[0]![1];
      };
      const step = stepNear(end - WINDOW) + stepNear(end);
      console.info(`[restart] ${ns}: increase[1h] ${increase!.get(ns)!.toFixed(1)} J, counter change ${want.toFixed(1)} J, ends' steps ${step.toFixed(1)} J`);
      expect(Math.abs(increase!.get(ns)! - want), ns).toBeLessThanOrEqual(0.005 * want + step);
    }
  });
});

/** The counter at time `t`, linearly interpolated between the stored samples around it. */
function at(samples: readonly [number, number][], t: number): number {
  const i = samples.findIndex(([time]) => time >= t);
  if (i <= 0) throw new Error(`no samples around ${t}`);
  const [t0, v0] = samples[i - 1]!;
  const [t1, v1] = samples[i]!;
  return v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
}
