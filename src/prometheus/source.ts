import type { RawSeries } from '../core/types.js';
import type { RangeRequest, SampleSource } from '../read/sample-source.js';
import type { PrometheusClient } from './client.js';
import { PrometheusError } from './errors.js';
import { inSlices } from '../read/in-slices.js';
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
  /**
   * Shortest range a too-big query is bisected down to. A query that fails as `too_large` or with
   * a 422 about too many samples is split in two halves (recursively); later calls then start from
   * the smaller range. Default 60.
   */
  readonly minRangeSeconds?: number;
  /**
   * How long a bisected range is kept: the first call this long after the last refusal tries the
   * configured maximum again (a refusal bisects it again). Default 600 (10 min).
   */
  readonly regrowAfterSeconds?: number;
  /** Wall clock, unix seconds (for {@link regrowAfterSeconds}). Default `Date.now() / 1000`. */
  readonly now?: () => number;
}

/**
 * Raw samples from a Prometheus-compatible API: an instant query of the range selector
 * `selector[<end−start>ms]` at `time=end` per chunk, keeping samples with `start < t ≤ end`
 * (2.x range selectors are left-closed, 3.x left-open; the filter makes both `(start, end]`).
 */
export class PrometheusSource implements SampleSource {
  private readonly maxRangeSeconds: number;
  private rangeSeconds: number;
  /** When a too-big answer last bisected a range (undefined while the range is the configured one). */
  private refusedAt: number | undefined;
  private readonly regrowAfterSeconds: number;
  private readonly now: () => number;
  private readonly minRangeSeconds: number;
  private readonly splitMatchers: readonly string[];
  private readonly selector: string;

  constructor(
    private readonly client: PrometheusClient,
    options: PrometheusSourceOptions = {},
  ) {
    this.maxRangeSeconds = options.maxRangeSeconds ?? 7200;
    this.rangeSeconds = this.maxRangeSeconds;
    if (!(this.rangeSeconds > 0)) throw new RangeError(`maxRangeSeconds must be positive, got ${this.rangeSeconds}`);
    this.regrowAfterSeconds = options.regrowAfterSeconds ?? 600;
    this.now = options.now ?? (() => Date.now() / 1000);
    this.minRangeSeconds = Math.min(options.minRangeSeconds ?? 60, this.rangeSeconds);
    this.splitMatchers = options.splitMatchers?.length ? options.splitMatchers : [''];
    this.selector = options.selector ?? '';
  }

  /** Longest range one query covers now (the configured maximum, or less for a while after bisections). */
  get currentRangeSeconds(): number {
    return this.rangeSeconds;
  }

  async fetchRange(request: RangeRequest, signal?: AbortSignal): Promise<RawSeries[]> {
    const base = addMatchers(request.selector, this.selector);
    if (this.refusedAt !== undefined && this.now() - this.refusedAt >= this.regrowAfterSeconds) {
      this.rangeSeconds = this.maxRangeSeconds;
      this.refusedAt = undefined;
    }
    const chunks = chunkBounds(request.start, request.end, this.rangeSeconds);
    if (chunks.length === 0) return [];
    // One failed query cancels its siblings.
    const controller = new AbortController();
    const linked = signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]);
    try {
      const results = await Promise.all(
        chunks.map(async ([from, to]) => {
          const parts = await Promise.all(this.splitMatchers.map((matcher) => this.fetchPiece(addMatchers(base, matcher), from, to, linked)));
          return parts.flat();
        }),
      );
      if (results.length === 1 && this.splitMatchers.length === 1) return results[0] as RawSeries[];
      return mergeChunks(results);
    } catch (error) {
      controller.abort();
      throw error;
    }
  }

  /** Samples in `(from, to]` of one selector, bisecting the range while the answer is too big. */
  private async fetchPiece(selector: string, from: number, to: number, signal: AbortSignal): Promise<RawSeries[]> {
    try {
      // The client drops samples at or before `from` while parsing; the clip is then a check, but
      // still 20–40 ms over 100k series: in slices.
      const { series } = await this.client.queryMatrix(rangeSelector(selector, to - from), to, signal, from);
      const kept: RawSeries[] = [];
      await inSlices(series.length, (i) => {
        const clipped = clipSeries(series[i] as RawSeries, from, to);
        if (clipped.timestamps.length > 0) kept.push(clipped);
      });
      return kept;
    } catch (error) {
      const half = (to - from) / 2;
      const mid = floorMs((from + to) / 2) / 1000;
      if (!isTooBig(error) || half < this.minRangeSeconds || !(from < mid && mid < to)) throw error;
      this.rangeSeconds = Math.min(this.rangeSeconds, half);
      this.refusedAt = this.now();
      const left = await this.fetchPiece(selector, from, mid, signal);
      const right = await this.fetchPiece(selector, mid, to, signal);
      return mergeChunks([left, right]);
    }
  }

  async labelValues(label: string, selector: string, start: number, end: number, signal?: AbortSignal): Promise<string[]> {
    return this.client.labelValues(label, [addMatchers(selector, this.selector)], start, end, signal);
  }

  async seriesLabels(selector: string, start: number, end: number, signal?: AbortSignal, limit?: number): Promise<Record<string, string>[]> {
    return this.client.series([addMatchers(selector, this.selector)], start, end, signal, limit);
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

/** Whether a smaller time range may succeed: the body was too large, or the server refused to load that many samples. */
function isTooBig(error: unknown): boolean {
  if (!(error instanceof PrometheusError)) return false;
  return error.reason === 'too_large' || (error.status === 422 && /samples/i.test(error.error ?? ''));
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
