/**
 * Grid carbon intensity from a PromQL expression evaluated by the same Prometheus (e.g.
 * `avg(grid_intensity_carbon_average{region=~"FR|DE"}) * 1.05`): an expression has no raw samples, so
 * it is evaluated every `step` as a subquery and the evaluations are averaged per clock hour.
 */
import { HOUR_SECONDS } from '../core/ledger/index.js';
import type { RawSeries } from '../core/types.js';
import { HourlyIntensity, type IntensityReader } from './hourly-intensity.js';

/** What evaluates PromQL: `PrometheusClient` is one. */
export interface MatrixQuery {
  /** Instant query at `time` (unix seconds) that returns a matrix. */
  queryMatrix(expr: string, time: number, signal?: AbortSignal): Promise<{ readonly series: RawSeries[] }>;
}

/** The subquery evaluating `expr` every `stepSeconds` over the `rangeSeconds` before the query time. */
export function intensitySubquery(expr: string, rangeSeconds: number, stepSeconds: number): string {
  // Milliseconds: the range ends at a fractional `now`; Prometheus aligns the steps to multiples of the step.
  return `(${expr})[${Math.ceil(rangeSeconds * 1000)}ms:${Math.round(stepSeconds * 1000)}ms]`;
}

/** Hourly intensities of a PromQL expression. */
export class QueryIntensity extends HourlyIntensity implements IntensityReader {
  /** `now` of the last successful refresh. */
  private readUpTo: number | undefined;

  constructor(
    private readonly prometheus: MatrixQuery,
    readonly query: string,
    private readonly stepSeconds = 60,
  ) {
    super();
  }

  /**
   * Evaluates the expression over the hours of `(now − hours, now]` the first time, then from the hour
   * before the previous refresh's (late samples of the last hours change their evaluations).
   */
  async refresh(now: number, hours: number, signal?: AbortSignal): Promise<void> {
    const oldest = Math.floor(now / HOUR_SECONDS) * HOUR_SECONDS - hours * HOUR_SECONDS;
    const start = this.readUpTo === undefined ? oldest : Math.max(oldest, Math.floor(this.readUpTo / HOUR_SECONDS) * HOUR_SECONDS - HOUR_SECONDS);
    const { series } = await this.prometheus.queryMatrix(intensitySubquery(this.query, now - start, this.stepSeconds), now, signal);
    this.record(series, start);
    this.readUpTo = now;
  }
}
