/**
 * Every published period as a span of clock hours, so that a period can be summed from two sources:
 * the live ledger (hours after its origin) and the restored hours (before it). Also where the service
 * starts restoring: the start of the oldest period it publishes.
 */
import type { LedgerCalendar } from './calendar.js';
import { HOUR_SECONDS, hourStartOf } from './time.js';

/** A published period: its label and its clock hours `[fromHour, toHour)` (hour indices, see `time.ts`). */
export interface PeriodSpan {
  readonly label: string;
  readonly fromHour: number;
  readonly toHour: number;
  /** Day numbers of a calendar period (inclusive); absent for hour periods. */
  readonly days?: { readonly from: number; readonly to: number };
}

/** Longest walk back over hours looking for a day start (a month and a day, with margin). */
const MAX_WALK_HOURS = 24 * 64;

/** Index of the first clock hour of local day `day`, walking back from hour index `fromHour` (which is in `day` or later). */
export function firstHourOfDay(calendar: LedgerCalendar, day: number, fromHour: number): number {
  let h = fromHour;
  for (let i = 0; i < MAX_WALK_HOURS && calendar.dayOf((h - 1) * HOUR_SECONDS) >= day; i++) h--;
  return h;
}

/**
 * The periods published at `watermark`: `current_hour`; `previous_hour` once the watermark has passed
 * its end; and with a calendar `current_day`, `previous_day` and `month_to_date` of the watermark's day.
 * `current_*` periods and `month_to_date` end with the current hour.
 */
export function periodSpans(watermark: number, calendar: LedgerCalendar | undefined): PeriodSpan[] {
  const current = hourStartOf(watermark) / HOUR_SECONDS;
  const spans: PeriodSpan[] = [{ label: 'current_hour', fromHour: current, toHour: current + 1 }];
  if (watermark > current * HOUR_SECONDS) spans.push({ label: 'previous_hour', fromHour: current - 1, toHour: current });
  if (calendar === undefined) return spans;
  const today = calendar.dayOf(current * HOUR_SECONDS);
  const todayStart = firstHourOfDay(calendar, today, current);
  const yesterdayStart = firstHourOfDay(calendar, today - 1, todayStart - 1);
  const month = calendar.monthStartOf(today);
  const monthStart = month === today ? todayStart : firstHourOfDay(calendar, month, yesterdayStart);
  spans.push(
    { label: 'current_day', fromHour: todayStart, toHour: current + 1, days: { from: today, to: today } },
    { label: 'previous_day', fromHour: yesterdayStart, toHour: todayStart, days: { from: today - 1, to: today - 1 } },
    { label: 'month_to_date', fromHour: monthStart, toHour: current + 1, days: { from: month, to: today } },
  );
  return spans;
}

/**
 * Where a restore starts for a service started at `now`: the start of the oldest period it publishes
 * (the previous local day or the month's first, whichever is older; the previous hour without a calendar).
 */
export function restoreStart(now: number, calendar: LedgerCalendar | undefined): number {
  const spans = periodSpans(now + 1e-3, calendar);
  return Math.min(...spans.map((s) => s.fromHour)) * HOUR_SECONDS;
}
