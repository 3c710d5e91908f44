import type { HourRow } from '../../src/core/types.js';
import type { Scenario, SimPod, TruthRow } from '../../src/sim/index.js';

const HOUR = 3600;

/** One group-hour: what the ledger booked against the ground truth. */
export interface HourComparison {
  readonly hourStart: number;
  readonly group: string;
  readonly ledger: number;
  /** Exact energy of the hour, joules. */
  readonly truth: number;
  /** The part of `truth` no poller can observe (see `TruthRow.unobservableJoules`). */
  readonly unobservable: number;
  /** |ledger − (truth − unobservable)| / (truth − unobservable). */
  readonly error: number;
  /** |ledger − truth| / truth. */
  readonly errorFull: number;
}

/** Summary of relative errors: mean, 95th percentile (nearest rank), max. */
export interface ErrorStats {
  readonly count: number;
  readonly mean: number;
  readonly p95: number;
  readonly max: number;
}

/** Pairs the ledger's hours with the truth's rows of the same scope; a group-hour missing on one side counts as 0. */
export function compareHours(ledgerRows: readonly HourRow[], truthRows: readonly TruthRow[]): HourComparison[] {
  const key = (hourStart: number, labels: readonly string[]): string => `${hourStart}\u0000${labels.join('\u0000')}`;
  const booked = new Map(ledgerRows.map((r) => [key(r.hourStart, r.labels), r.joules]));
  const out: HourComparison[] = [];
  for (const t of truthRows) {
    const k = key(t.hourStart, t.labels);
    const ledger = booked.get(k) ?? 0;
    booked.delete(k);
    const expected = t.joules - t.unobservableJoules;
    out.push({
      hourStart: t.hourStart,
      group: t.labels.join('/'),
      ledger,
      truth: t.joules,
      unobservable: t.unobservableJoules,
      error: relative(ledger, expected),
      errorFull: relative(ledger, t.joules),
    });
  }
  // Whatever the ledger booked where the truth has nothing is an error of its own.
  for (const [k, joules] of booked) {
    if (joules !== 0) throw new Error(`ledger booked ${joules} J in a group-hour the truth does not have: ${k.replace('\u0000', ' ')}`);
  }
  return out;
}

/** Per-group totals over all compared hours, with their relative errors (`hourStart`: the first hour). */
export function compareTotals(hours: readonly HourComparison[]): HourComparison[] {
  const byGroup = new Map<string, { ledger: number; truth: number; unobservable: number }>();
  for (const h of hours) {
    const g = byGroup.get(h.group) ?? { ledger: 0, truth: 0, unobservable: 0 };
    g.ledger += h.ledger;
    g.truth += h.truth;
    g.unobservable += h.unobservable;
    byGroup.set(h.group, g);
  }
  return [...byGroup].map(([group, g]) => ({
    hourStart: Math.min(...hours.map((h) => h.hourStart)),
    group,
    ...g,
    error: relative(g.ledger, g.truth - g.unobservable),
    errorFull: relative(g.ledger, g.truth),
  }));
}

function relative(got: number, want: number): number {
  return want === 0 ? (got === 0 ? 0 : Infinity) : Math.abs(got - want) / want;
}

/** Mean, p95 and max of a list of relative errors. */
export function errorStats(errors: readonly number[]): ErrorStats {
  const sorted = [...errors].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { count: 0, mean: 0, p95: 0, max: 0 };
  return {
    count: n,
    mean: sorted.reduce((s, e) => s + e, 0) / n,
    p95: sorted[Math.ceil(0.95 * n) - 1]!,
    max: sorted[n - 1]!,
  };
}

const alive = (pod: SimPod, a: number, b: number): boolean => pod.start < b && (pod.end ?? Infinity) > a;

/** Whether every pod of the namespace alive during the hour lives (in total) longer than `seconds`. */
export function onlyLongLivedPods(scenario: Scenario, namespace: string, hourStart: number, seconds = 600): boolean {
  return scenario.pods.every((p) => p.namespace !== namespace || !alive(p, hourStart, hourStart + HOUR) || (p.end ?? Infinity) - p.start > seconds);
}
