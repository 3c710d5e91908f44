import type { HourRow } from '../core/types.js';

/** One row of a report: a group's energy in one period. */
export interface ReportRow {
  readonly periodStart: number;
  readonly periodEnd: number;
  readonly labels: readonly string[];
  readonly wattHours: number;
}

/**
 * Sums hour rows into periods of `stepSeconds` (a whole number of hours) starting at `from`,
 * one row per period and group, sorted by period then labels. Every group that has a row in
 * any hour gets a row in every period (zero where it had no energy), so series stay dense.
 */
export function aggregateHours(hours: readonly HourRow[], from: number, to: number, stepSeconds: number): ReportRow[] {
  const periods = Math.ceil((to - from) / stepSeconds);
  const groups = new Map<string, { labels: readonly string[]; joules: number[] }>();
  for (const row of hours) {
    const period = Math.floor((row.hourStart - from) / stepSeconds);
    if (period < 0 || period >= periods) continue;
    const key = row.labels.join('\u0001');
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { labels: row.labels, joules: new Array<number>(periods).fill(0) }));
    group.joules[period] = (group.joules[period] as number) + row.joules;
  }
  const sorted = [...groups.values()].sort((a, b) => compareLabels(a.labels, b.labels));
  const rows: ReportRow[] = [];
  for (let p = 0; p < periods; p++) {
    const periodStart = from + p * stepSeconds;
    for (const g of sorted) {
      rows.push({ periodStart, periodEnd: Math.min(to, periodStart + stepSeconds), labels: g.labels, wattHours: (g.joules[p] as number) / 3600 });
    }
  }
  return rows;
}

function compareLabels(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
