import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { HOUR_SECONDS, hourStart } from '../../../src/core/time.js';
import { generateScenario, writeOpenMetrics, type Scenario } from '../../../src/sim/index.js';
import type { RunningBackend } from '../../support/backend.js';
import { startPrometheus } from '../../support/prometheus-server.js';
import { waitFor } from '../../support/wait-for.js';
import { single, type ExposedSample } from './exposition.js';
import { ledgerMetricNames } from './history.js';
import { startService, type RunningService } from './service.js';

export const PERIOD = 'energy_ledger_namespace_period_energy_watt_hours';
export const NODE_PERIOD = 'energy_ledger_node_period_energy_watt_hours';
export const COUNTER = 'energy_ledger_namespace_energy_joules_total';
export const NODE_COUNTER = 'energy_ledger_node_energy_joules_total';
export const COVERAGE = 'energy_ledger_period_coverage_start_timestamp_seconds';
/** Pause between two scrapes of B while it restores. */
const SCRAPE_EVERY_MS = 20;
/** The periods that need the hours before a 20 h backfill. */
export const RESTORED_PERIODS = ['previous_day', 'month_to_date'];

/** A real Prometheus holding 54 h of simulated v0.10+ data, replica A that read all of it and B that restored. */
export interface ReplicaPair {
  readonly scenario: Scenario;
  readonly prometheus: RunningBackend;
  /** `--backfill 56h`: reads everything. */
  readonly a: RunningService;
  /** `--backfill 20h`, restored by the time the pair is returned. */
  readonly b: RunningService;
  /** B's `/metrics` scraped every {@link SCRAPE_EVERY_MS} while it restored. */
  readonly duringRestore: readonly ExposedSample[][];
  stop(): Promise<void>;
}

/** What a two-replica test has started so far. */
export interface StartedPair {
  prometheus?: RunningBackend;
  a?: RunningService;
  b?: RunningService;
}

/** Stops the replicas, then Prometheus, and removes the test's folder. */
export async function stopPair(started: StartedPair, dir: string): Promise<void> {
  await started.a?.stop();
  await started.b?.stop();
  await started.prometheus?.stop();
  await rm(dir, { recursive: true, force: true });
}

/**
 * Starts the pair of issue 12's acceptance: both replicas get `config` (YAML keys) besides their backfill;
 * B reads in 30-minute ranges, so its restore takes long enough to be scraped while it runs.
 */
export async function startReplicaPair(seed: number, config: Readonly<Record<string, unknown>> = {}): Promise<ReplicaPair> {
  const dir = await mkdtemp(path.join(tmpdir(), 'e2e-restore-'));
  const now = Date.now() / 1000;
  const start = hourStart(now) - 54 * HOUR_SECONDS;
  const scenario = generateScenario({ schema: 'v0.10+', seed, start, durationSeconds: 55 * HOUR_SECONDS, nodes: 2, namespaces: 4, podsPerNamespace: 2, churn: 1, scrapeIntervalSeconds: 30 });
  const file = path.join(dir, 'history.om.txt');
  await writeOpenMetrics(scenario, file, { from: start - 1, to: Math.floor(now), metrics: ledgerMetricNames('v0.10+'), match: '{zone=~"package|dram|"}' });
  const started: StartedPair = {};
  const stop = (): Promise<void> => stopPair(started, dir);
  try {
    const prometheus = (started.prometheus = await startPrometheus({ blocksFrom: file }));
    const a = (started.a = await startService({ prometheusUrl: prometheus.url, config: { ...config, backfill: '56h' } }));
    const b = (started.b = await startService({
      prometheusUrl: prometheus.url,
      config: { ...config, backfill: '20h', prometheus: { max_range: '30m' } },
      waitRestored: false,
    }));
    const duringRestore: ExposedSample[][] = [];
    // A scrape every SCRAPE_EVERY_MS: back-to-back scrapes (~2,500 per restore) spent half the pair's CPU.
    while (!b.poller.restored) {
      duringRestore.push(await b.metrics());
      await sleep(SCRAPE_EVERY_MS);
    }
    await waitFor(() => a.poller.restored, 120_000, 50);
    return { scenario, prometheus, a, b, duringRestore, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Every energy sample of the families that must agree (periods: the restored ones), keyed by name and labels. */
export function restoredEnergy(samples: readonly ExposedSample[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (![PERIOD, NODE_PERIOD, COUNTER, NODE_COUNTER, COVERAGE].includes(s.name)) continue;
    if ((s.name === PERIOD || s.name === NODE_PERIOD) && !RESTORED_PERIODS.includes(s.labels.period!)) continue;
    out.set(`${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`, s.value);
  }
  return out;
}

/** The same keys, and every value within 1e-6 relative. */
export function expectSameEnergy(actual: ReadonlyMap<string, number>, expected: ReadonlyMap<string, number>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [key, want] of expected) {
    const got = actual.get(key)!;
    if (Math.abs(got - want) > 1e-6 * Math.max(Math.abs(got), Math.abs(want))) expect.fail(`${key}: got ${got}, expected ${want}`);
  }
}

/** The samples of B, scraped while it restored, that say it was not done yet. */
export function unfinished(pair: ReplicaPair): ExposedSample[][] {
  return pair.duringRestore.filter((m) => (single(m, 'energy_ledger_restore_progress_ratio') ?? 1) < 1);
}
