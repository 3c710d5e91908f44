/**
 * Grid intensity per clock hour, from samples read from Prometheus (a series selector's raw samples
 * or an expression's evaluations): the mean of each hour, with a fallback for hours without any.
 */
import { HOUR_SECONDS, type HourWeight } from '../core/ledger/index.js';
import type { RawSeries } from '../core/types.js';

/** Hours older than this before the last read are forgotten (the ledger keeps 63 days of day totals). */
const KEEP_SECONDS = 62 * 24 * HOUR_SECONDS;

/** What the service refreshes every interval and weights the ledger's watt-hours with. */
export interface IntensityReader {
  /** Reads the hours of `(now − hours, now]` (hour-aligned start) again. */
  refresh(now: number, hours: number, signal?: AbortSignal): Promise<void>;
  /** The carbon weight, g per Wh. */
  weight(name: string, pue: number): HourWeight;
}

/** Hour start of the clock hour holding `t`: the hour starting at h holds the samples in (h, h + 1 h]. */
function hourOfSample(t: number): number {
  return (Math.ceil(t / HOUR_SECONDS) - 1) * HOUR_SECONDS;
}

/** g/kWh per clock hour, the mean of the samples of that hour (over every series). */
export class HourlyIntensity {
  private readonly hourly = new Map<number, number>();
  /**
   * Answers derived from all known hours (fallbacks of hours without samples, their mean), kept until the
   * next `record`: a snapshot asks once per group and hour or day, and each costs a scan of up to 62 days
   * of hours (5k namespaces × a month of days: ~220 ms per snapshot uncached).
   */
  private readonly derived = new Map<number | 'mean', number>();

  /**
   * Sets each hour that has finite samples in `(start, ∞)` to their mean (over every series), keeps
   * the other hours, and forgets hours long before `start`. `start` must be an hour start, so that
   * every hour set is read whole.
   */
  record(series: readonly RawSeries[], start: number): void {
    const sums = new Map<number, { sum: number; n: number }>();
    for (const s of series) {
      for (let i = 0; i < s.timestamps.length; i++) {
        const t = s.timestamps[i] as number;
        const v = s.values[i] as number;
        if (t <= start || !Number.isFinite(v)) continue;
        const h = hourOfSample(t);
        const acc = sums.get(h) ?? { sum: 0, n: 0 };
        acc.sum += v;
        acc.n += 1;
        sums.set(h, acc);
      }
    }
    for (const [h, { sum, n }] of sums) this.hourly.set(h, sum / n);
    for (const h of this.hourly.keys()) if (h < start - KEEP_SECONDS) this.hourly.delete(h);
    this.derived.clear();
  }

  /** g/kWh of the hour starting at `hourStart`: its own mean, else the latest earlier hour's, else the earliest known; NaN when nothing is known. */
  intensity(hourStart: number): number {
    const own = this.hourly.get(hourStart) ?? this.derived.get(hourStart);
    if (own !== undefined) return own;
    let earlier: [number, number] | undefined;
    let earliest: [number, number] | undefined;
    for (const [h, v] of this.hourly) {
      if (h < hourStart && (earlier === undefined || h > earlier[0])) earlier = [h, v];
      if (earliest === undefined || h < earliest[0]) earliest = [h, v];
    }
    const value = (earlier ?? earliest)?.[1] ?? Number.NaN;
    this.derived.set(hourStart, value);
    return value;
  }

  /** Mean of the known hours' g/kWh; NaN when nothing is known. */
  private mean(): number {
    let mean = this.derived.get('mean');
    if (mean === undefined) {
      let sum = 0;
      for (const v of this.hourly.values()) sum += v;
      this.derived.set('mean', (mean = this.hourly.size === 0 ? Number.NaN : sum / this.hourly.size));
    }
    return mean;
  }

  /** The carbon weight, g per Wh: intensity × `pue` ÷ 1000; days past the hour retention at the mean of the known hours. */
  weight(name: string, pue: number): HourWeight {
    return {
      name,
      perWattHour: (h) => (this.intensity(h) * pue) / 1000,
      perWattHourOfDay: () => this.mean() * (pue / 1000),
    };
  }
}
