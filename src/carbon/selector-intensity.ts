/**
 * Grid carbon intensity read from the same Prometheus: a series selector (e.g. a grid-intensity
 * exporter's `grid_intensity_carbon_average{region="FR"}`), averaged per clock hour over its samples
 * (and over the series it matches), refreshed by the service once per poll interval.
 */
import { HOUR_SECONDS } from '../core/ledger/index.js';
import type { SampleSource } from '../read/sample-source.js';
import { HourlyIntensity, type IntensityReader } from './hourly-intensity.js';

/** Hourly intensities read through a {@link SampleSource}. */
export class SelectorIntensity extends HourlyIntensity implements IntensityReader {

  constructor(
    private readonly source: SampleSource,
    readonly selector: string,
  ) {
    super();
  }

  /** Reads the hours of `(now − hours, now]` again (later samples may have arrived) and forgets older ones. */
  async refresh(now: number, hours: number, signal?: AbortSignal): Promise<void> {
    const start = Math.floor(now / HOUR_SECONDS) * HOUR_SECONDS - hours * HOUR_SECONDS;
    const series = await this.source.fetchRange({ selector: this.selector, start, end: now }, signal);
    this.record(series, start);
  }
}
