/**
 * Grid carbon intensity read from the same Prometheus: a series selector (e.g. a grid-intensity
 * exporter's `grid_intensity_carbon_average{region="FR"}`), averaged per clock hour over its samples
 * (and over the series it matches), refreshed by the service once per poll interval.
 */
import { HOUR_SECONDS, type HourWeight } from '../core/ledger/index.js';
import type { SampleSource } from '../source/sample-source.js';

/** Hourly intensities read through a {@link SampleSource}. */
export class SelectorIntensity {
  /** g/kWh per hour start; the hour starting at h holds the samples in (h, h + 1 h]. */
  private readonly hourly = new Map<number, number>();

  constructor(
    private readonly source: SampleSource,
    private readonly selector: string,
  ) {}

  /** Reads the hours of `(now − hours, now]` again (later samples may have arrived) and forgets older ones. */
  async refresh(now: number, hours: number, signal?: AbortSignal): Promise<void> {
    const start = Math.floor(now / HOUR_SECONDS) * HOUR_SECONDS - hours * HOUR_SECONDS;
    const series = await this.source.fetchRange({ selector: this.selector, start, end: now }, signal);
    const sums = new Map<number, { sum: number; n: number }>();
    for (const s of series) {
      for (let i = 0; i < s.timestamps.length; i++) {
        const v = s.values[i] as number;
        if (!Number.isFinite(v)) continue;
        const h = (Math.ceil((s.timestamps[i] as number) / HOUR_SECONDS) - 1) * HOUR_SECONDS;
        const acc = sums.get(h) ?? { sum: 0, n: 0 };
        acc.sum += v;
        acc.n += 1;
        sums.set(h, acc);
      }
    }
    for (const [h, { sum, n }] of sums) this.hourly.set(h, sum / n);
    for (const h of this.hourly.keys()) if (h < start - 62 * 24 * HOUR_SECONDS) this.hourly.delete(h);
  }

  /** g/kWh of the hour starting at `hourStart`: its own mean, else the latest earlier hour's, else the earliest known; NaN when nothing is known. */
  intensity(hourStart: number): number {
    const own = this.hourly.get(hourStart);
    if (own !== undefined) return own;
    let earlier: [number, number] | undefined;
    let earliest: [number, number] | undefined;
    for (const [h, v] of this.hourly) {
      if (h < hourStart && (earlier === undefined || h > earlier[0])) earlier = [h, v];
      if (earliest === undefined || h < earliest[0]) earliest = [h, v];
    }
    return (earlier ?? earliest)?.[1] ?? Number.NaN;
  }

  /** The carbon weight, g per Wh: intensity × `pue` ÷ 1000; days past the hour retention at the mean of the known hours. */
  weight(name: string, pue: number): HourWeight {
    return {
      name,
      perWattHour: (h) => (this.intensity(h) * pue) / 1000,
      perWattHourOfDay: () => {
        const values = [...this.hourly.values()];
        return values.length === 0 ? Number.NaN : (values.reduce((a, b) => a + b, 0) / values.length) * (pue / 1000);
      },
    };
  }
}
