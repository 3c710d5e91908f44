/**
 * Calendar arithmetic in an IANA time zone with `Intl.DateTimeFormat` (no time-zone database of our own).
 * The ledger keeps whole UTC hours, so every boundary returned here is floored to a UTC hour: in zones
 * with whole-hour offsets that is exactly local midnight; in half- or quarter-hour zones (Asia/Kolkata,
 * UTC+5:30) a "day" starts at the UTC hour that contains local midnight (23:30 local in Kolkata).
 */
import { HOUR_SECONDS } from '../core/time.js';

/** A local calendar date; `month` is 1–12. */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(zone, f);
  }
  return f;
}

function localFields(zone: string, t: number): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts: Record<string, number> = {};
  for (const p of format(zone).formatToParts(new Date(t * 1000))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** Local time minus UTC at instant `t` (unix seconds), in seconds: +19800 for Asia/Kolkata. */
export function zoneOffsetSeconds(zone: string, t: number): number {
  const f = localFields(zone, Math.floor(t));
  return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second) / 1000 - Math.floor(t);
}

/** The local calendar date at instant `t`. */
export function localDate(zone: string, t: number): LocalDate {
  const { year, month, day } = localFields(zone, t);
  return { year, month, day };
}

/**
 * Start of the local day `year-month-day` (out-of-range days and months roll over like `Date.UTC`),
 * floored to a UTC hour. A midnight skipped by a DST change resolves to the first local instant after it.
 */
export function dayStart(zone: string, year: number, month: number, day: number): number {
  const wall = Date.UTC(year, month - 1, day) / 1000;
  let t = wall - zoneOffsetSeconds(zone, wall);
  t = wall - zoneOffsetSeconds(zone, t);
  return Math.floor(t / HOUR_SECONDS) * HOUR_SECONDS;
}

/** Start of the local day containing `t` (hour-floored, see {@link dayStart}). */
export function startOfDay(zone: string, t: number): number {
  const d = localDate(zone, t);
  // Hour flooring moves a day start up to an hour earlier: t may already belong to the next local day.
  const next = dayStart(zone, d.year, d.month, d.day + 1);
  if (next <= t) return next;
  const start = dayStart(zone, d.year, d.month, d.day);
  return start <= t ? start : dayStart(zone, d.year, d.month, d.day - 1);
}

/** Start of the local month containing `t` (hour-floored). */
export function startOfMonth(zone: string, t: number): number {
  const d = localDate(zone, startOfDay(zone, t) + HOUR_SECONDS);
  return dayStart(zone, d.year, d.month, 1);
}

/** Start of the local day after the one starting at `start` (a day start from this module). */
export function nextDayStart(zone: string, start: number): number {
  const d = localDate(zone, start + HOUR_SECONDS);
  return dayStart(zone, d.year, d.month, d.day + 1);
}

/** Start of the local month after the one containing the day start `start`. */
export function nextMonthStart(zone: string, start: number): number {
  const d = localDate(zone, start + HOUR_SECONDS);
  return dayStart(zone, d.year, d.month + 1, 1);
}

/** Local day starts from the day containing `from` up to (not including) `to`, then `to`: period boundaries. */
export function dayBoundaries(zone: string, from: number, to: number): number[] {
  const out = [from];
  for (let t = nextDayStart(zone, startOfDay(zone, from)); t < to; t = nextDayStart(zone, t)) out.push(t);
  out.push(to);
  return out;
}
