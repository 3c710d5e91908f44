import type { GroupEnergy, LedgerSnapshot, Scope } from '../types.js';
import type { Ledger } from './ledger.js';
import { HOUR_SECONDS, hourStartOf } from './time.js';

/** Label names of the groups, for the snapshot's consumers. */
export interface SnapshotLabels {
  readonly namespaceLabels: readonly string[];
  readonly nodeLabels: readonly string[];
}

/**
 * Clock-aligned periods at a watermark: `current_hour` is the hour containing it (an instant on an
 * hour boundary belongs to the hour ending there); `previous_hour` is the hour before, published once
 * the watermark has passed its end and only if it ends after the origin (the ledger holds it).
 */
export function publishedPeriods(watermark: number, origin: number): { label: string; hourStart: number }[] {
  const current = hourStartOf(watermark);
  const periods = [{ label: 'current_hour', hourStart: current }];
  const previous = current - HOUR_SECONDS;
  if (watermark > previous + HOUR_SECONDS && previous + HOUR_SECONDS > origin) {
    periods.push({ label: 'previous_hour', hourStart: previous });
  }
  return periods;
}

/**
 * Calendar periods of a ledger with a calendar, as inclusive day-number ranges: `current_day` (the
 * watermark's local day), `previous_day` (once the origin is before its end) and `month_to_date`
 * (from the first of the watermark's month). Each counts only energy after the origin.
 */
export function publishedDays(ledger: Ledger): { label: string; fromDay: number; toDay: number }[] {
  const calendar = ledger.options.calendar;
  const held = calendar === undefined ? undefined : ledger.heldDays();
  if (calendar === undefined || held === undefined) return [];
  const today = held.last;
  const periods = [{ label: 'current_day', fromDay: today, toDay: today }];
  if (held.first <= today - 1) periods.push({ label: 'previous_day', fromDay: today - 1, toDay: today - 1 });
  periods.push({ label: 'month_to_date', fromDay: calendar.monthStartOf(today), toDay: today });
  return periods;
}

/**
 * An immutable, fully computed view of the ledger. A group is included when it has energy in the
 * longest window or in a published period; its `totalJoules` is reported as is. Windows and periods
 * are in watt-hours. Groups are sorted by labels. Before the first sample there are no groups.
 */
export function buildSnapshot(ledger: Ledger, labels: SnapshotLabels): LedgerSnapshot {
  return deepFreeze({
    watermark: ledger.watermark,
    namespaceLabels: [...labels.namespaceLabels],
    nodeLabels: [...labels.nodeLabels],
    namespaces: scopeEnergy(ledger, 'namespace'),
    nodes: scopeEnergy(ledger, 'node'),
    stats: ledger.stats(),
  });
}

function scopeEnergy(ledger: Ledger, scope: Scope): GroupEnergy[] {
  const watermark = ledger.watermark;
  if (watermark === undefined) return [];
  const { windows, origin } = ledger.options;
  const longest = windows.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  const totals = ledger.totals(scope);
  const windowJoules = windows.map((w) => ledger.window(scope, w.seconds));
  const longestJoules = windowJoules[windows.indexOf(longest)]!;
  const periods = publishedPeriods(watermark, origin);
  const days = publishedDays(ledger);
  const periodJoules = [
    ...periods.map((p) => ledger.hourEnergy(scope, p.hourStart)),
    ...days.map((d) => ledger.daysEnergy(scope, d.fromDay, d.toDay)),
  ];
  const periodLabels = [...periods.map((p) => p.label), ...days.map((d) => d.label)];
  const out: GroupEnergy[] = [];
  totals.forEach((total, i) => {
    const active = longestJoules[i]!.joules > 0 || periodJoules.some((rows) => rows[i]!.joules > 0);
    if (!active) return;
    const w: Record<string, number> = {};
    windows.forEach((win, j) => (w[win.label] = windowJoules[j]![i]!.joules / HOUR_SECONDS));
    const p: Record<string, number> = {};
    periodLabels.forEach((label, j) => (p[label] = periodJoules[j]![i]!.joules / HOUR_SECONDS));
    out.push({ labels: total.labels, totalJoules: total.joules, windows: w, periods: p });
  });
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
