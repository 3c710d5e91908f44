import type { RawSeries } from '../core/types.js';

/** A request for raw samples of the series one selector matches, with timestamps in `(start, end]`. */
export interface RangeRequest {
  /** PromQL series selector, e.g. `kepler_pod_cpu_joules_total{zone=~"package|dram"}`. */
  readonly selector: string;
  /** Exclusive start, unix seconds. */
  readonly start: number;
  /** Inclusive end, unix seconds. */
  readonly end: number;
}

/**
 * Where raw Kepler samples come from: a Prometheus-compatible HTTP API in production, the embedded
 * simulator in the demo. Implementations return raw samples only (no rate, no extrapolation).
 */
export interface SampleSource {
  /** Raw samples of every series the selector matches, in `(start, end]`, each series ascending. */
  fetchRange(request: RangeRequest, signal?: AbortSignal): Promise<RawSeries[]>;
  /** Which of these metric names have at least one series now (schema detection). */
  presentMetricNames(names: readonly string[], signal?: AbortSignal): Promise<Set<string>>;
  /**
   * Values of `label` among the series matching `selector` with samples in about `[start, end]` (a
   * superset is fine); only sources that can serve `--shard` implement it.
   */
  labelValues?(label: string, selector: string, start: number, end: number, signal?: AbortSignal): Promise<string[]>;
  /**
   * Label sets of the series matching `selector` with samples in about `[start, end]` (a superset is
   * fine), possibly only the first `limit` of them; optional, `--shard` uses it to find the nodes of
   * series that lack the first node label.
   */
  seriesLabels?(selector: string, start: number, end: number, signal?: AbortSignal, limit?: number): Promise<Record<string, string>[]>;
}
