/**
 * Calendar days for the ledger. The core knows no time zones: the adapter passes a {@link LedgerCalendar}
 * that numbers local days, and the ledger keeps one integer-µJ bucket per group and day.
 */

/** Local days, numbered consecutively (e.g. days since 1970-01-01 in the zone). Must be pure. */
export interface LedgerCalendar {
  /** Number of the local day that holds the clock hour starting at `hourStart` (unix seconds, hour-aligned). */
  dayOf(hourStart: number): number;
  /** Number of the first day of the month that holds day `day`. */
  monthStartOf(day: number): number;
}

/** Days kept per group: a month to date (≤ 31 days) with a month of margin. */
export const DAY_SLOTS = 63;

/**
 * The oldest day any published day period reads when `today` is the watermark's day: the first of the
 * month (`month_to_date`) or yesterday (`previous_day`), whichever is earlier. Day totals before it are
 * not held: a group with nothing from it on is forgotten. Keep in step with `publishedDays`.
 */
export function oldestPublishedDay(calendar: LedgerCalendar, today: number): number {
  return Math.min(calendar.monthStartOf(today), today - 1);
}
