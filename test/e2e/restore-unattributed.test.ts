/**
 * Issue 12 with `unattributed` on: a real Prometheus holds 54 h of simulated v0.10+ Kepler data; replica A
 * reads all of it (`--backfill 56h`), replica B starts with `--backfill 20h`. In either mode B restores the
 * hours before its backfill (the split ledger's, namespace groups per node, too) and publishes the same
 * previous_day, month_to_date, counters and coverage as A, per namespace, per node and for
 * `namespace="__unattributed__"`; while it restores it publishes no partial period.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_SECONDS } from '../../src/core/time.js';
import { perNamespace, single } from './support/exposition.js';
import {
  COUNTER,
  expectSameEnergy,
  NODE_COUNTER,
  NODE_PERIOD,
  PERIOD,
  RESTORED_PERIODS,
  restoredEnergy,
  startReplicaPair,
  unfinished,
  type ReplicaPair,
} from './support/replica-pair.js';

const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

describe.each(['explicit', 'proportional'] as const)('with unattributed: %s, a replica started with a short backfill restores the periods of one that read everything', (mode) => {
  let pair: ReplicaPair | undefined;

  beforeAll(async () => {
    pair = await startReplicaPair(1214, { unattributed: mode });
  }, 600_000);
  afterAll(async () => pair?.stop());

  it('publishes on B the same previous_day, month_to_date, counters and coverage as on A, __unattributed__ included', async () => {
    const { a, b } = pair!;
    const [ma, mb] = [await a.metrics(), await b.metrics()];
    expect(single(mb, 'energy_ledger_data_watermark_timestamp_seconds')).toBe(single(ma, 'energy_ledger_data_watermark_timestamp_seconds'));
    expect(b.origin - a.origin).toBeGreaterThanOrEqual(36 * HOUR_SECONDS);
    // Explicit: the idle energy of every node; proportional: none here (every node runs pods).
    for (const period of RESTORED_PERIODS) expect(perNamespace(ma, PERIOD, { period }).has('__unattributed__'), period).toBe(mode === 'explicit');
    expectSameEnergy(restoredEnergy(mb), restoredEnergy(ma));
  });

  it('keeps on B the identity Σ namespaces (with __unattributed__) = Σ nodes over the restored periods', async () => {
    const m = await pair!.b.metrics();
    for (const period of RESTORED_PERIODS) {
      const namespaces = sum(perNamespace(m, PERIOD, { period }).values());
      const nodes = sum(m.filter((s) => s.name === NODE_PERIOD && s.labels.period === period).map((s) => s.value));
      expect(nodes, period).toBeGreaterThan(0);
      expect(Math.abs(namespaces - nodes) / nodes, period).toBeLessThan(1e-9);
    }
    // In proportional mode every namespace is scaled up: it gets more than it measured (its counter, in joules).
    if (mode === 'proportional') {
      const month = perNamespace(m, PERIOD, { period: 'month_to_date' });
      for (const [ns, joules] of perNamespace(m, COUNTER, {})) expect(month.get(ns)! * 3600, ns).toBeGreaterThan(joules);
    }
  });

  it('publishes no partial period while B restores: the restored periods and counters are absent', () => {
    const scrapes = unfinished(pair!);
    expect(scrapes.length).toBeGreaterThan(0);
    for (const m of scrapes) {
      expect(m.filter((s) => (s.name === PERIOD || s.name === NODE_PERIOD) && RESTORED_PERIODS.includes(s.labels.period!))).toEqual([]);
      expect(m.filter((s) => s.name === COUNTER || s.name === NODE_COUNTER)).toEqual([]);
    }
  });
});
