/** The clock-aligned and calendar periods the snapshot publishes. */
import type { Ledger } from './ledger.js';
import { HOUR_SECONDS, hourStartOf } from './time.js';

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
