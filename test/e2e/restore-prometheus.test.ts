/**
 * Issue 12 acceptance: with a real Prometheus holding 54 h of simulated v0.10+ Kepler data, replica A reads
 * all of it (`--backfill 56h`) and replica B starts with `--backfill 20h` (what a restart many hours after
 * the first start amounts to). B restores the hours before its backfill from the raw samples and then
 * publishes the same previous_day, month_to_date, counters and coverage as A; while it restores it
 * publishes no partial period; and A's previous_day is within 0.5 % of the simulator's truth.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_SECONDS, hourStart } from '../../src/core/time.js';
import { generateScenario, truth, writeOpenMetrics, type Scenario } from '../../src/sim/index.js';
import type { RunningBackend } from '../support/backend.js';
import { startPrometheus } from '../support/prometheus-server.js';
import { waitFor } from '../support/wait-for.js';
import { perNamespace, single, type ExposedSample } from './support/exposition.js';
import { ledgerMetricNames } from './support/history.js';
import { startService, type RunningService } from './support/service.js';

const SAME = 1e-6;
const PERIOD = 'energy_ledger_namespace_period_energy_watt_hours';
const NODE_PERIOD = 'energy_ledger_node_period_energy_watt_hours';
const COUNTER = 'energy_ledger_namespace_energy_joules_total';
const NODE_COUNTER = 'energy_ledger_node_energy_joules_total';
const COVERAGE = 'energy_ledger_period_coverage_start_timestamp_seconds';
const RESTORED_PERIODS = ['previous_day', 'month_to_date'];

/** Every energy sample of the families that must agree, keyed by name and labels. */
function energy(samples: readonly ExposedSample[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (![PERIOD, NODE_PERIOD, COUNTER, NODE_COUNTER, COVERAGE].includes(s.name)) continue;
    if ((s.name === PERIOD || s.name === NODE_PERIOD) && !RESTORED_PERIODS.includes(s.labels.period!)) continue;
    out.set(`${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`, s.value);
  }
  return out;
}

function expectSame(actual: ReadonlyMap<string, number>, expected: ReadonlyMap<string, number>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [key, want] of expected) {
    const got = actual.get(key)!;
    if (Math.abs(got - want) > SAME * Math.max(Math.abs(got), Math.abs(want))) expect.fail(`${key}: got ${got}, expected ${want}`);
  }
}

describe('a replica started with a short backfill restores the periods of one that read everything', () => {
  let dir: string;
  let prometheus: RunningBackend;
  let scenario: Scenario;
  let dataEnd: number;
  let a: RunningService;
  let b: RunningService;
  const duringRestore: ExposedSample[][] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'e2e-restore-'));
    const now = Date.now() / 1000;
    dataEnd = Math.floor(now);
    const start = hourStart(now) - 54 * HOUR_SECONDS;
    scenario = generateScenario({ schema: 'v0.10+', seed: 1212, start, durationSeconds: 55 * HOUR_SECONDS, nodes: 2, namespaces: 4, podsPerNamespace: 2, churn: 1, scrapeIntervalSeconds: 30 });
    const file = path.join(dir, 'history.om.txt');
    await writeOpenMetrics(scenario, file, { from: start - 1, to: dataEnd, metrics: ledgerMetricNames('v0.10+'), match: '{zone=~"package|dram|"}' });
    prometheus = await startPrometheus({ blocksFrom: file });
    a = await startService({ prometheusUrl: prometheus.url, config: { backfill: '56h' } });
    // Small reads make B's restore take long enough to be scraped while it runs.
    b = await startService({ prometheusUrl: prometheus.url, config: { backfill: '20h', prometheus: { max_range: '10m' } }, waitRestored: false });
    while (!b.poller.restored) duringRestore.push(await b.metrics());
    await waitFor(() => a.poller.restored, 120_000, 50);
  }, 600_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await prometheus?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('publishes the same previous_day, month_to_date, counters and coverage on B (backfill 20h) as on A (backfill 56h)', async () => {
    const [ma, mb] = [await a.metrics(), await b.metrics()];
    expect(single(mb, 'energy_ledger_data_watermark_timestamp_seconds')).toBe(single(ma, 'energy_ledger_data_watermark_timestamp_seconds'));
    expect(b.origin - a.origin).toBeGreaterThanOrEqual(36 * HOUR_SECONDS);
    const [ea, eb] = [energy(ma), energy(mb)];
    for (const name of [PERIOD, NODE_PERIOD, COUNTER, NODE_COUNTER, COVERAGE]) expect([...ea.keys()].some((k) => k.startsWith(name)), name).toBe(true);
    expectSame(eb, ea);
    // The counter is the month to date in joules.
    const month = perNamespace(ma, PERIOD, { period: 'month_to_date' });
    for (const [ns, joules] of perNamespace(ma, COUNTER, {})) expect(Math.abs(joules - month.get(ns)! * 3600) / joules).toBeLessThan(1e-9);
    // Month to date counts from the first stored sample when the month began before the data.
    const coverage = ma.find((s) => s.name === COVERAGE && s.labels.period === 'month_to_date')!.value;
    expect(coverage).toBeGreaterThanOrEqual(scenario.start - 300);
    expect(coverage).toBeLessThanOrEqual(scenario.start + 30);
  });

  it('publishes no partial period while B restores: what it shows equals A, and the restored periods and counters are absent', async () => {
    const final = energy(await a.metrics());
    expect(duringRestore.length).toBeGreaterThan(0);
    const unfinished = duringRestore.filter((m) => (single(m, 'energy_ledger_restore_progress_ratio') ?? 1) < 1);
    expect(unfinished.length).toBeGreaterThan(0);
    for (const m of unfinished) {
      expect(m.filter((s) => s.name === PERIOD && RESTORED_PERIODS.includes(s.labels.period!))).toEqual([]);
      expect(m.filter((s) => s.name === COUNTER || s.name === NODE_COUNTER)).toEqual([]);
    }
    for (const m of duringRestore) for (const [key, value] of energy(m)) if (final.has(key) && !key.startsWith(COVERAGE)) expect(value, key).toBeCloseTo(final.get(key)!, 6);
  });

  it("gives A's previous_day within 0.5 % of the simulator's truth", async () => {
    const m = await a.metrics();
    const current = hourStart(single(m, 'energy_ledger_data_watermark_timestamp_seconds')! - 1e-3);
    const dayStart = Math.floor(current / 86_400) * 86_400;
    const rows = truth(scenario, { from: dayStart - 86_400, to: dayStart }).namespaces;
    const got = perNamespace(m, PERIOD, { period: 'previous_day' });
    expect(got.size).toBe(scenario.namespaces.length);
    for (const ns of scenario.namespaces) {
      const want = rows.filter((r) => r.labels[0] === ns).reduce((s, r) => s + r.joules - r.unobservableJoules, 0) / HOUR_SECONDS;
      expect(Math.abs(got.get(ns)! - want) / want, ns).toBeLessThan(0.005);
    }
  });
});
