import type { HourWeight } from '../core/ledger/index.js';
import { groupKeyOf } from '../core/schema/key-codec.js';
import type { HourRow } from '../core/types.js';

/** One row of a report: a group's energy in one period. */
export interface ReportRow {
  readonly periodStart: number;
  readonly periodEnd: number;
  readonly labels: readonly string[];
  readonly wattHours: number;
  /** Weighted energy by weight name (`carbon_grams`, `cost`): the sum of each hour's Wh × that hour's weight; absent without weights. */
  readonly weighted?: Readonly<Record<string, number>>;
  /** Hours of the period, and those in which Prometheus held Kepler data (see `coverage.ts`); absent when not known. */
  readonly coverage?: { readonly hours: number; readonly hoursWithData: number };
}

/** Period boundaries `[from, from+step, …, to]` of a fixed step (the last period may be shorter). */
export function fixedBoundaries(from: number, to: number, stepSeconds: number): number[] {
  const out: number[] = [];
  for (let t = from; t < to; t += stepSeconds) out.push(t);
  out.push(to);
  return out;
}

/**
 * Sums hour rows into the periods between consecutive `boundaries` (ascending, whole hours), one row
 * per period and group, sorted by period then labels. Every group that has a row in any hour gets a
 * row in every period (zero where it had no energy), so series stay dense. Each of `weights` adds the
 * sum over the period's hours of the hour's Wh × that hour's weight (never the period's Wh × a mean).
 */
export function aggregateHours(hours: readonly HourRow[], boundaries: readonly number[], weights: readonly HourWeight[] = []): ReportRow[] {
  const periods = boundaries.length - 1;
  const groups = new Map<string, { labels: readonly string[]; joules: number[]; weighted: number[][] }>();
  const zeros = (): number[] => new Array<number>(periods).fill(0);
  for (const row of hours) {
    const period = periodIndex(boundaries, row.hourStart);
    if (period < 0 || period >= periods) continue;
    const key = groupKeyOf(row.labels);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { labels: row.labels, joules: zeros(), weighted: weights.map(zeros) }));
    group.joules[period] = (group.joules[period] as number) + row.joules;
    for (let j = 0; j < weights.length; j++) {
      const sums = group.weighted[j] as number[];
      sums[period] = (sums[period] as number) + (row.joules / 3600) * (weights[j] as HourWeight).perWattHour(row.hourStart);
    }
  }
  const sorted = [...groups.values()].sort((a, b) => compareLabels(a.labels, b.labels));
  const rows: ReportRow[] = [];
  for (let p = 0; p < periods; p++) {
    for (const g of sorted) {
      const row = { periodStart: boundaries[p] as number, periodEnd: boundaries[p + 1] as number, labels: g.labels, wattHours: (g.joules[p] as number) / 3600 };
      rows.push(weights.length === 0 ? row : { ...row, weighted: Object.fromEntries(weights.map((w, j) => [w.name, g.weighted[j]![p]!])) });
    }
  }
  return rows;
}

/** Index of the period containing `t`: the last boundary ≤ t (−1 before the first). */
function periodIndex(boundaries: readonly number[], t: number): number {
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((boundaries[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The label of the group that sums everything outside the top N. */
const OTHER = 'other';

/**
 * Keeps the `n` groups with the most energy over the whole report (ties by labels) and sums the rest,
 * per period, into one group whose first label is `other` (`__other__` if a kept group is itself named
 * `other`) and whose other labels are empty. Rows come out per period in rank order, `other` last;
 * the total per period is unchanged.
 */
export function topGroups(rows: readonly ReportRow[], n: number): ReportRow[] {
  const totals = new Map<string, { labels: readonly string[]; wh: number }>();
  for (const r of rows) {
    const key = groupKeyOf(r.labels);
    const t = totals.get(key);
    if (t === undefined) totals.set(key, { labels: r.labels, wh: r.wattHours });
    else t.wh += r.wattHours;
  }
  const ranked = [...totals.entries()].sort(([, a], [, b]) => b.wh - a.wh || compareLabels(a.labels, b.labels));
  if (ranked.length <= n) return rankRows(rows, new Map(ranked.map(([key], i) => [key, i])));
  const kept = new Map(ranked.slice(0, n).map(([key], i) => [key, i]));
  const width = rows[0]?.labels.length ?? 1;
  const name = ranked.slice(0, n).some(([, g]) => g.labels[0] === OTHER) ? `__${OTHER}__` : OTHER;
  const otherLabels = [name, ...new Array<string>(width - 1).fill('')];
  const out: ReportRow[] = [];
  const others = new Map<number, ReportRow>();
  for (const r of rows) {
    if (kept.has(groupKeyOf(r.labels))) {
      out.push(r);
      continue;
    }
    const o = others.get(r.periodStart);
    const sum: ReportRow = { ...r, labels: otherLabels, wattHours: (o?.wattHours ?? 0) + r.wattHours };
    others.set(r.periodStart, r.weighted === undefined ? sum : { ...sum, weighted: addWeighted(o?.weighted, r.weighted) });
  }
  const ranks = new Map(kept);
  ranks.set(groupKeyOf(otherLabels), n);
  return rankRows([...out, ...others.values()], ranks);
}

/** `a + b` per weight name (`b` alone when `a` is absent). */
function addWeighted(a: Readonly<Record<string, number>> | undefined, b: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(b).map(([name, v]) => [name, (a?.[name] ?? 0) + v]));
}

function rankRows(rows: readonly ReportRow[], ranks: ReadonlyMap<string, number>): ReportRow[] {
  const rank = (r: ReportRow): number => ranks.get(groupKeyOf(r.labels)) ?? 0;
  return [...rows].sort((a, b) => a.periodStart - b.periodStart || rank(a) - rank(b));
}

function compareLabels(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
