/**
 * Grid carbon intensity read from the same Prometheus: a series selector (e.g. a grid-intensity
 * exporter's `grid_intensity_carbon_average{region="FR"}`), averaged per clock hour over its samples
 * (and over the series it matches), refreshed by the service once per poll interval.
 */
import { HOUR_SECONDS, type HourWeight } from '../core/ledger/index.js';
import type { SampleSource } from '../source/sample-source.js';
import { HourlyIntensity, type IntensityReader } from './hourly-intensity.js';

/** Hourly intensities read through a {@link SampleSource}. */
export class SelectorIntensity implements IntensityReader {
  private readonly hourly = new HourlyIntensity();

  constructor(
    private readonly source: SampleSource,
    readonly selector: string,
  ) {}

  /** Reads the hours of `(now − hours, now]` again (later samples may have arrived) and forgets older ones. */
  async refresh(now: number, hours: number, signal?: AbortSignal): Promise<void> {
    const start = Math.floor(now / HOUR_SECONDS) * HOUR_SECONDS - hours * HOUR_SECONDS;
    const series = await this.source.fetchRange({ selector: this.selector, start, end: now }, signal);
    this.hourly.record(series, start);
  }

  /** g/kWh of the hour starting at `hourStart` (see {@link HourlyIntensity.intensity}). */
  intensity(hourStart: number): number {
    return this.hourly.intensity(hourStart);
  }

  /** The carbon weight, g per Wh: intensity × `pue` ÷ 1000. */
  weight(name: string, pue: number): HourWeight {
    return this.hourly.weight(name, pue);
  }
}
