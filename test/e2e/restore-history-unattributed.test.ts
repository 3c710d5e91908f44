/**
 * Issue 12's history path with `unattributed: explicit`: as in restore-history.test.ts, replica A reads 54 h of
 * simulated data, its published hours (allocated: `__unattributed__` included) are written into Prometheus,
 * the raw Kepler samples older than about 25 h are deleted, and replica B (`--backfill 20h`) restores those
 * hours from the history and the rest raw (the per-node split too). B publishes A's namespace previous_day,
 * current_day, month_to_date and counters, `__unattributed__` included, and the 4 hours held both ways compare
 * equal (the raw hour allocated like the published one). Namespace series only (the history holds no nodes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { single } from './support/exposition.js';
import { namespaceEnergy, startHistoryPair, type HistoryPair } from './support/published-history.js';

describe('with unattributed: explicit, a replica restores the hours whose raw samples are gone from the published history', () => {
  let pair: HistoryPair | undefined;

  beforeAll(async () => {
    pair = await startHistoryPair(1215, { unattributed: 'explicit' });
  }, 600_000);
  afterAll(async () => pair?.stop());

  it("takes A's allocated hours from the history: B publishes A's namespace periods and counters, __unattributed__ included", async () => {
    const { b, expected, hoursA, cutoff } = pair!;
    // The history B reads holds __unattributed__ in the hours whose raw samples are gone.
    expect(hoursA.some((r) => r.labels.namespace === '__unattributed__' && r.start_unix < cutoff - 3600 && r.joules > 0)).toBe(true);
    const got = namespaceEnergy(await b.metrics());
    for (const period of ['previous_day', 'month_to_date', 'current_day']) expect(expected.has(`${period} __unattributed__`), period).toBe(true);
    // __unattributed__ has no counter.
    expect(expected.has('counter __unattributed__')).toBe(false);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, want] of expected) {
      const value = got.get(key)!;
      if (Math.abs(value - want) > 1e-6 * Math.max(Math.abs(value), Math.abs(want))) expect.fail(`${key}: got ${value}, expected ${want}`);
    }
  });

  it('finds no mismatch where raw samples and history both hold an hour (the raw hour is compared allocated)', async () => {
    expect(single(await pair!.b.metrics(), 'energy_ledger_history_mismatches_total')).toBe(0);
  });
});
