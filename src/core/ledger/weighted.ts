/**
 * Energy weighted hour by hour (carbon: g per Wh, cost: price per Wh): each hour's watt-hours times
 * that hour's weight, for the snapshot's windows and periods. Weights come from the adapter (a
 * constant, a schedule in the local zone, or values read from Prometheus); the core only multiplies.
 */
import type { Scope } from '../types.js';
import type { Ledger } from './ledger.js';
import { publishedDays, publishedPeriods } from './periods.js';
import { HOUR_SECONDS, hourStartOf } from './time.js';

/** A per-hour factor applied to watt-hours. */
export interface HourWeight {
  /** Key of the result in `GroupEnergy.weighted` (e.g. `carbon_grams`, `cost`). */
  readonly name: string;
  /** Factor for energy in the clock hour starting at `hourStart`, per watt-hour. */
  perWattHour(hourStart: number): number;
  /** Factor for a day's energy whose hours the ledger no longer holds (days of `month_to_date` beyond the hour retention). */
  perWattHourOfDay(day: number): number;
}

/** Weighted windows and periods of one group, keyed like `GroupEnergy.windows` and `.periods`. */
export interface WeightedEnergy {
  readonly windows: Record<string, number>;
  readonly periods: Record<string, number>;
}

/**
 * Weighted energy of every group of the scope (in the order of `ledger.groups(scope)`). A window is
 * split at clock hours: the hours it covers whole (and the current hour, up to the watermark) exactly,
 * the remainder in the oldest hour it touches. Days use held hours exactly and, for hours past the
 * retention, the day total times `perWattHourOfDay`.
 */
export function weightedEnergy(ledger: Ledger, scope: Scope, weight: HourWeight): WeightedEnergy[] {
  const watermark = ledger.watermark;
  const groups = ledger.groups(scope);
  const out: WeightedEnergy[] = groups.map(() => ({ windows: {}, periods: {} }));
  if (watermark === undefined) return out;
  const current = hourStartOf(watermark);
  const hourCache = new Map<number, number[]>();
  const hourJ = (h: number): number[] => {
    let j = hourCache.get(h);
    if (j === undefined) hourCache.set(h, (j = ledger.hourEnergy(scope, h).map((g) => g.joules)));
    return j;
  };
  const wh = (joules: number): number => joules / HOUR_SECONDS;
  for (const w of ledger.options.windows) {
    const total = ledger.window(scope, w.seconds);
    const start = watermark - w.seconds;
    groups.forEach((_, i) => {
      let rest = total[i]!.joules;
      let sum = 0;
      let h = current;
      for (; h > start; h -= HOUR_SECONDS) {
        const piece = Math.min(rest, hourJ(h)[i]!);
        sum += wh(piece) * weight.perWattHour(h);
        rest -= piece;
      }
      // The oldest hour the window touches holds the interpolated remainder.
      if (rest > 0) sum += wh(rest) * weight.perWattHour(h);
      out[i]!.windows[w.label] = sum;
    });
  }
  for (const p of publishedPeriods(watermark, ledger.options.origin)) {
    const j = hourJ(p.hourStart);
    groups.forEach((_, i) => (out[i]!.periods[p.label] = wh(j[i]!) * weight.perWattHour(p.hourStart)));
  }
  const calendar = ledger.options.calendar;
  if (calendar === undefined) return out;
  const oldestHeld = current - Math.ceil(ledger.options.retentionSeconds / HOUR_SECONDS) * HOUR_SECONDS;
  const heldHours: { hour: number; day: number }[] = [];
  for (let h = oldestHeld; h <= current; h += HOUR_SECONDS) heldHours.push({ hour: h, day: calendar.dayOf(h) });
  for (const d of publishedDays(ledger)) {
    const sums = groups.map(() => 0);
    for (let day = d.fromDay; day <= d.toDay; day++) {
      const heldJ = groups.map(() => 0);
      for (const { hour } of heldHours.filter((x) => x.day === day)) {
        const j = hourJ(hour);
        groups.forEach((_, i) => {
          sums[i]! += wh(j[i]!) * weight.perWattHour(hour);
          heldJ[i]! += j[i]!;
        });
      }
      // Energy of the day in hours past the retention: at the day's factor.
      const dayJ = ledger.daysEnergy(scope, day, day);
      groups.forEach((_, i) => {
        // Both sides are whole µJ: round away the float noise of their sums.
        const rest = Math.round((dayJ[i]!.joules - heldJ[i]!) * 1e6) / 1e6;
        if (rest > 0) sums[i]! += wh(rest) * weight.perWattHourOfDay(day);
      });
    }
    groups.forEach((_, i) => (out[i]!.periods[d.label] = sums[i]!));
  }
  return out;
}
