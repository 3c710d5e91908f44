import type { RawSeries } from '../core/types.js';
import type { RangeRequest, SampleSource } from '../source/sample-source.js';
import type { PrometheusClient } from './client.js';
import { addMatchers, presentNamesQuery, rangeSelector } from './selector.js';
import { clipSeries, mergeChunks } from './series-merge.js';

/** Options of {@link PrometheusSource}. */
export interface PrometheusSourceOptions {
  /** Longest range one query covers; longer requests are split into consecutive chunks. Default 7200 (2 h). */
  readonly maxRangeSeconds?: number;
  /**
   * Extra matchers for sharding: each chunk is fetched with one query per entry (e.g.
   * `['node="a"', 'node=~"b|c"']`), and the results are joined. They should not overlap, and together
   * they must cover every series wanted.
   */
  readonly splitMatchers?: readonly string[];
  /** Matchers added to every query (config `prometheus.selector`, e.g. `{cluster="prod-eu"}`). */
  readonly selector?: string;
}

/**
 * Raw samples from a Prometheus-compatible API: an instant query of the range selector
 * `selector[<end−start>ms]` at `time=end` per chunk, keeping samples with `start < t ≤ end`
 * (2.x range selectors are left-closed, 3.x left-open; the filter makes both `(start, end]`).
 */
export class PrometheusSource implements SampleSource {
  private readonly maxRangeSeconds: number;
  private readonly splitMatchers: readonly string[];
  private readonly selector: string;

  constructor(
    private readonly client: PrometheusClient,
    options: PrometheusSourceOptions = {},
  ) {
    this.maxRangeSeconds = options.maxRangeSeconds ?? 7200;
    if (!(this.maxRangeSeconds > 0)) throw new RangeError(`maxRangeSeconds must be positive, got ${this.maxRangeSeconds}`);
    this.splitMatchers = options.splitMatchers?.length ? options.splitMatchers : [''];
    this.selector = options.selector ?? '';
  }

  async fetchRange(request: RangeRequest, signal?: AbortSignal): Promise<RawSeries[]> {
    const { start, end } = request;
    const base = addMatchers(request.selector, this.selector);
    const chunks = chunkBounds(start, end, this.maxRangeSeconds);
    if (chunks.length === 0) return [];
    // One failed query cancels its siblings.
    const controller = new AbortController();
    const linked = signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]);
    try {
      const results = await Promise.all(
        chunks.map(async ([from, to]) => {
          const parts = await Promise.all(
            this.splitMatchers.map(async (matcher) => {
              const expr = rangeSelector(addMatchers(base, matcher), to - from);
              const { series } = await this.client.queryMatrix(expr, to, linked);
              return series.map((s) => clipSeries(s, from, to));
            }),
          );
          return parts.flat();
        }),
      );
      if (results.length === 1 && this.splitMatchers.length === 1) return (results[0] as RawSeries[]).filter((s) => s.timestamps.length > 0);
      return mergeChunks(results);
    } catch (error) {
      controller.abort();
      throw error;
    }
  }

  async presentMetricNames(names: readonly string[], signal?: AbortSignal): Promise<Set<string>> {
    const present = new Set<string>();
    if (names.length === 0) return present;
    const { samples } = await this.client.queryVector(presentNamesQuery(names, this.selector), undefined, signal);
    for (const sample of samples) {
      const name = sample.labels.__name__;
      if (name !== undefined && names.includes(name)) present.add(name);
    }
    return present;
  }
}

/**
 * `(start, end]` cut into consecutive `(from, to]` pieces no longer than `max` seconds. Bounds are
 * floored to whole milliseconds (samples have ms precision, so `t > x` ≡ `t > floor_ms(x)`), which
 * makes each range selector cover exactly its piece and every boundary identical on both sides.
 */
export function chunkBounds(start: number, end: number, max: number): [number, number][] {
  const startMs = floorMs(start);
  const endMs = floorMs(end);
  const maxMs = Math.max(1, Math.floor(max * 1000));
  const chunks: [number, number][] = [];
  for (let from = startMs; from < endMs; ) {
    const to = Math.min(endMs, from + maxMs);
    chunks.push([from / 1000, to / 1000]);
    from = to;
  }
  return chunks;
}

function floorMs(seconds: number): number {
  // Round to microseconds first so 1000.123 (stored as 1000.12299…) floors to 1000123 ms.
  return Math.floor(Math.round(seconds * 1e6) / 1000);
}
