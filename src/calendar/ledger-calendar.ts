import type { LedgerCalendar } from '../core/ledger/index.js';
import { HOUR_SECONDS } from '../core/time.js';
import { localDate, startOfDay } from './zone.js';

const DAY_MS = 86_400_000;
const MAX_CACHED_HOURS = 24 * 100;

/**
 * The ledger's calendar for an IANA zone: day number = days since 1970-01-01 of the local date, and a
 * clock hour belongs to the local day whose hour-floored start (see `zone.ts`) is at or before it.
 * Lookups are cached per hour (the ledger asks once per group and hour).
 */
export function ledgerCalendar(zone: string): LedgerCalendar {
  const cache = new Map<number, number>();
  return {
    dayOf(hourStart: number): number {
      let day = cache.get(hourStart);
      if (day === undefined) {
        if (cache.size >= MAX_CACHED_HOURS) cache.clear();
        const d = localDate(zone, startOfDay(zone, hourStart) + HOUR_SECONDS);
        day = Date.UTC(d.year, d.month - 1, d.day) / DAY_MS;
        cache.set(hourStart, day);
      }
      return day;
    },
    monthStartOf(day: number): number {
      const date = new Date(day * DAY_MS);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / DAY_MS;
    },
  };
}
