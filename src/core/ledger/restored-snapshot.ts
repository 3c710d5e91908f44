/**
 * The snapshot of a service that restores: every period is the live ledger's hours after its origin
 * plus the restored hours before it, so the published numbers depend on the data and the clock, not on
 * when the process started. The joules counter is its base (`counter-base.ts`: the counter at the start of
 * the local month, read back from the published series and carried across month starts) plus the month
 * to date, so it continues across restarts and month starts alike. A period that starts before the origin is left out until the restore is complete.
 */
import type { GroupEnergy, Scope } from '../types.js';
import { groupKeyOf } from '../schema/key-codec.js';
import type { CounterBases, CounterMonth } from './counter-base.js';
import type { Ledger } from './ledger.js';
import { periodSpans, type PeriodSpan } from './period-spans.js';
import type { RestoredHours } from './restored-hours.js';
import { HOUR_SECONDS } from './time.js';
import { type HourWeight, weightedEnergy } from './weighted.js';

/** What the restore has found so far. */
export interface RestoreInput {
  /** Hours before the live ledger's origin; undefined while they are still being read. */
  readonly hours: RestoredHours | undefined;
  /** Earliest sample time read from Prometheus (restore and live reads), undefined before any. */
  readonly firstSampleTime: number | undefined;
  /**
   * The counters' bases (started by the restore); absent: the counters are the month to date alone, and
   * published as soon as the month's hours are (tests of the periods alone).
   */
  readonly counters?: CounterBases;
}

/** Label of the period whose joules the counters publish. */
export const COUNTER_PERIOD = 'month_to_date';

/**
 * The periods published now and from when each counts (unix seconds): `max(period start, first sample)`.
 * A period that ended before the first sample is not published (no data exists for it).
 */
export function publishedSpans(ledger: Ledger, restore: RestoreInput): { spans: PeriodSpan[]; coverage: Record<string, number> } {
  const watermark = ledger.watermark;
  if (watermark === undefined) return { spans: [], coverage: {} };
  const originHour = Math.ceil(ledger.options.origin / HOUR_SECONDS);
  const first = restore.firstSampleTime ?? -Infinity;
  // Left out: a period that needs hours not restored yet, and one that ended before the first data.
  const spans = periodSpans(watermark, ledger.options.calendar).filter(
    (s) => (s.fromHour >= originHour || restore.hours !== undefined) && first < s.toHour * HOUR_SECONDS,
  );
  const coverage: Record<string, number> = {};
  for (const s of spans) coverage[s.label] = Math.max(s.fromHour * HOUR_SECONDS, first);
  return { spans, coverage };
}

/**
 * Energy of every group of `scope` with energy in the longest window or a published period: the live
 * ledger's groups and the restored ones, sorted by key. Periods and counters are summed in integer µJ,
 * so two replicas that split the same hours differently between live and restored publish the same bits.
 */
export function restoredScopeEnergy(
  ledger: Ledger,
  scope: Scope,
  weights: readonly HourWeight[],
  restore: RestoreInput,
  spans: readonly PeriodSpan[],
): GroupEnergy[] {
  if (ledger.watermark === undefined) return [];
  const originHour = Math.ceil(ledger.options.origin / HOUR_SECONDS);
  const restored = restore.hours;
  const live = ledger.groups(scope);
  const windows = ledger.options.windows;
  const windowJoules = windows.map((w) => ledger.window(scope, w.seconds));
  const longest = windows.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  const longestJoules = windowJoules[windows.indexOf(longest)]!;
  const totals = ledger.totals(scope);
  const liveMicro = spans.map((s) => liveSpanMicroJoules(ledger, scope, s, originHour));
  const liveWeighted = weights.map((w) => weightedEnergy(ledger, scope, w));

  const keys = new Map<string, { labels: readonly string[]; live: number }>();
  live.forEach((labels, i) => keys.set(groupKeyOf(labels), { labels, live: i }));
  for (const g of restored?.groups(scope) ?? []) if (!keys.has(g.key)) keys.set(g.key, { labels: g.labels, live: -1 });
  const counterAt = counterMonthOf(spans);
  const bases = counterAt === undefined ? undefined : restore.counters;
  for (const [key, labels] of bases?.started === true ? bases.carried(scope) : []) if (!keys.has(key)) keys.set(key, { labels, live: -1 });
  const sortedKeys = [...keys.keys()].sort();
  const microOf = (key: string): number[] => {
    const { live: i } = keys.get(key)!;
    const hours = restored?.group(scope, key)?.microJoules;
    return spans.map((s, j) => (i < 0 ? 0 : liveMicro[j]![i]!) + restoredSpanMicroJoules(hours, restored, s, originHour));
  };
  const micros = new Map(sortedKeys.map((key) => [key, microOf(key)]));
  const counterIndex = spans.findIndex((s) => s.label === COUNTER_PERIOD);
  const todayIndex = spans.findIndex((s) => s.label === 'current_day');
  const previousDayIndex = spans.findIndex((s) => s.label === 'previous_day');
  // Counters need the month's hours, and with bases the published scrape read and a watermark in or after its month.
  const counting =
    counterAt !== undefined &&
    (bases === undefined || (bases.started && bases.advance(scope, counterAt, (key) => (previousDayIndex < 0 ? 0 : (micros.get(key)?.[previousDayIndex] ?? 0)))));

  const out: GroupEnergy[] = [];
  for (const key of sortedKeys) {
    const { labels, live: i } = keys.get(key)!;
    const restoredGroup = restored?.group(scope, key);
    const micro = micros.get(key)!;
    const inWindow = i >= 0 && longestJoules[i]!.joules > 0;
    if (counting && bases !== undefined) bases.noteMonth(scope, key, labels, counterAt, { monthMicroJoules: micro[counterIndex]!, todayMicroJoules: micro[todayIndex]! });
    if (!inWindow && !micro.some((m) => m > 0)) {
      // A carried group without energy this month: its counter alone continues (no window or period series).
      if (counting && bases !== undefined && bases.base(scope, key) > 0) out.push({ labels, totalJoules: bases.base(scope, key), windows: {}, periods: {} });
      continue;
    }
    const w: Record<string, number> = {};
    windows.forEach((win, j) => (w[win.label] = i < 0 ? 0 : windowJoules[j]![i]!.joules / HOUR_SECONDS));
    const p: Record<string, number> = {};
    spans.forEach((s, j) => (p[s.label] = micro[j]! / 1e6 / HOUR_SECONDS));
    const group: GroupEnergy = {
      labels,
      // Without a calendar there is no month: the counter stays energy since the origin.
      totalJoules:
        ledger.options.calendar === undefined
          ? i < 0
            ? 0
            : totals[i]!.joules
          : !counting
            ? NaN
            : (bases?.base(scope, key) ?? 0) + micro[counterIndex]! / 1e6,
      windows: w,
      periods: p,
    };
    if (weights.length === 0) {
      out.push(group);
      continue;
    }
    const weighted = Object.fromEntries(
      weights.map((wt, k) => {
        const liveW = i < 0 ? undefined : liveWeighted[k]![i]!;
        const periods: Record<string, number> = {};
        for (const s of spans) {
          periods[s.label] = (liveW?.periods[s.label] ?? 0) + restoredWeighted(restoredGroup?.microJoules, restored, s, originHour, wt);
        }
        const winW: Record<string, number> = {};
        for (const win of windows) winW[win.label] = liveW?.windows[win.label] ?? 0;
        return [wt.name, { windows: winW, periods }];
      }),
    );
    out.push({ ...group, weighted });
  }
  return out;
}

/** Month and day of the counters at the snapshot's spans; undefined while `month_to_date` is not published. */
function counterMonthOf(spans: readonly PeriodSpan[]): CounterMonth | undefined {
  const month = spans.find((s) => s.label === COUNTER_PERIOD)?.days;
  const today = spans.find((s) => s.label === 'current_day')?.days;
  return month === undefined || today === undefined ? undefined : { month: month.from, today: today.from };
}

/** The live ledger's µJ of every live group in the part of `span` after the origin. */
function liveSpanMicroJoules(ledger: Ledger, scope: Scope, span: PeriodSpan, originHour: number): number[] {
  if (span.toHour <= originHour) return ledger.groups(scope).map(() => 0);
  const rows =
    span.days === undefined ? ledger.hourEnergy(scope, span.fromHour * HOUR_SECONDS) : ledger.daysEnergy(scope, span.days.from, span.days.to);
  return rows.map((r) => Math.round(r.joules * 1e6));
}

/** The hours of `span` before the origin that the restored table holds, as `[from, to)` offsets into a group's array. */
function restoredRange(restored: RestoredHours | undefined, span: PeriodSpan, originHour: number): [number, number] {
  if (restored === undefined) return [0, 0];
  const from = Math.max(span.fromHour, restored.firstHour);
  const to = Math.min(span.toHour, originHour, restored.endHour);
  return [from - restored.firstHour, Math.max(from, to) - restored.firstHour];
}

function restoredSpanMicroJoules(hours: Float64Array | undefined, restored: RestoredHours | undefined, span: PeriodSpan, originHour: number): number {
  if (hours === undefined) return 0;
  const [from, to] = restoredRange(restored, span, originHour);
  let micro = 0;
  for (let k = from; k < to; k++) micro += hours[k]!;
  return micro;
}

function restoredWeighted(
  hours: Float64Array | undefined,
  restored: RestoredHours | undefined,
  span: PeriodSpan,
  originHour: number,
  weight: HourWeight,
): number {
  if (hours === undefined || restored === undefined) return 0;
  const [from, to] = restoredRange(restored, span, originHour);
  let sum = 0;
  for (let k = from; k < to; k++) {
    if (hours[k]! > 0) sum += (hours[k]! / 1e6 / HOUR_SECONDS) * weight.perWattHour((restored.firstHour + k) * HOUR_SECONDS);
  }
  return sum;
}
