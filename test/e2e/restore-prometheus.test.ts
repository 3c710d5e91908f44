/**
 * Issue 12 acceptance: with a real Prometheus holding 54 h of simulated v0.10+ Kepler data, replica A reads
 * all of it (`--backfill 56h`) and replica B starts with `--backfill 20h` (what a restart many hours after
 * the first start amounts to). B restores the hours before its backfill from the raw samples and then
 * publishes the same previous_day, month_to_date, counters and coverage as A; while it restores it
 * publishes no partial period; and A's previous_day is within 0.5 % of the simulator's truth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_SECONDS, hourStart } from '../../src/core/time.js';
import { truth } from '../../src/sim/index.js';
import { perNamespace, single } from './support/exposition.js';
import {
  COUNTER,
  COVERAGE,
  expectSameEnergy as expectSame,
  NODE_COUNTER,
  NODE_PERIOD,
  PERIOD,
  RESTORED_PERIODS,
  restoredEnergy as energy,
  startReplicaPair,
  unfinished as unfinishedOf,
  type ReplicaPair,
} from './support/replica-pair.js';

describe('a replica started with a short backfill restores the periods of one that read everything', () => {
  let pair: ReplicaPair | undefined;

  beforeAll(async () => {
    pair = await startReplicaPair(1212);
  }, 600_000);
  afterAll(async () => pair?.stop());

  it('publishes the same previous_day, month_to_date, counters and coverage on B (backfill 20h) as on A (backfill 56h)', async () => {
    const { a, b, scenario } = pair!;
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
    const { a, duringRestore } = pair!;
    const final = energy(await a.metrics());
    expect(duringRestore.length).toBeGreaterThan(0);
    const unfinished = unfinishedOf(pair!);
    expect(unfinished.length).toBeGreaterThan(0);
    for (const m of unfinished) {
      expect(m.filter((s) => s.name === PERIOD && RESTORED_PERIODS.includes(s.labels.period!))).toEqual([]);
      expect(m.filter((s) => s.name === COUNTER || s.name === NODE_COUNTER)).toEqual([]);
    }
    for (const m of duringRestore) for (const [key, value] of energy(m)) if (final.has(key) && !key.startsWith(COVERAGE)) expect(value, key).toBeCloseTo(final.get(key)!, 6);
  });

  it("gives A's previous_day within 0.5 % of the simulator's truth", async () => {
    const { a, scenario } = pair!;
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
