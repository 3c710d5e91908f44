import { PROMETHEUS_LOOKBACK_SECONDS } from '../core/lookback.js';
import type { RawSeries } from '../core/types.js';
import type { RangeRequest, SampleSource } from '../read/sample-source.js';
import type { Labels } from './families.js';
import { compileMatchers, parseSeriesSelector } from './matchers.js';
import type { Scenario } from './scenario.js';
import { collectStored, specsNamed, type StoredSeries } from './stored.js';

/** Options of {@link SimulatedPrometheus}. */
export interface SimulatedPrometheusOptions {
  /** Current time, unix seconds: later samples do not exist yet. Default: everything up to the scenario end. */
  readonly now?: () => number;
  /** One-hour chunks (per metric) kept in memory. Default 512; a reader that only moves forward needs a few per metric. */
  readonly maxCachedChunks?: number;
}

const CHUNK_SECONDS = 3600;
const DEFAULT_MAX_CACHED_CHUNKS = 512;

const chunkKey = (metric: string, h: number): string => `${metric}@${h}`;

interface KeyedSeries extends StoredSeries {
  readonly key: string;
}

function upperBound(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A {@link SampleSource} over a simulated cluster: returns exactly the samples Prometheus would have stored
 * (the same as the OpenMetrics backfill), computed on demand in cached one-hour chunks.
 */
export class SimulatedPrometheus implements SampleSource {
  private readonly chunks = new Map<string, KeyedSeries[]>();
  /** Metric names asked for so far: a chunk miss computes them all at once (one Kepler reading per scrape). */
  private readonly requested = new Set<string>();

  constructor(
    readonly scenario: Scenario,
    private readonly options: SimulatedPrometheusOptions = {},
  ) {}

  async fetchRange(request: RangeRequest, signal?: AbortSignal): Promise<RawSeries[]> {
    signal?.throwIfAborted();
    const { metric, matchers } = parseSeriesSelector(request.selector);
    const matches = compileMatchers(matchers);
    const end = Math.min(request.end, this.options.now?.() ?? Infinity);
    const merged = new Map<string, { labels: Labels; timestamps: number[]; values: number[] }>();
    for (let h = Math.floor(request.start / CHUNK_SECONDS) * CHUNK_SECONDS; h < end; h += CHUNK_SECONDS) {
      signal?.throwIfAborted();
      for (const s of this.chunk(metric, h)) {
        if (!matches(s.labels)) continue;
        const from = upperBound(s.timestamps, request.start);
        const to = upperBound(s.timestamps, end);
        if (to <= from) continue;
        let out = merged.get(s.key);
        if (out === undefined) merged.set(s.key, (out = { labels: s.labels, timestamps: [], values: [] }));
        for (let i = from; i < to; i++) {
          out.timestamps.push(s.timestamps[i]!);
          out.values.push(s.values[i]!);
        }
      }
    }
    return [...merged.values()];
  }

  async presentMetricNames(names: readonly string[], signal?: AbortSignal): Promise<Set<string>> {
    signal?.throwIfAborted();
    const now = Math.min(this.options.now?.() ?? this.scenario.end, this.scenario.end);
    const stored = collectStored(this.scenario, specsNamed(this.scenario, names), now - PROMETHEUS_LOOKBACK_SECONDS, now);
    return new Set([...stored].filter(([, series]) => series.length > 0).map(([name]) => name));
  }

  /** Stored series of one metric in (h, h + 1 h], cached. */
  private chunk(metric: string, h: number): KeyedSeries[] {
    this.requested.add(metric);
    const cached = this.chunks.get(chunkKey(metric, h));
    if (cached !== undefined) {
      // Refresh the entry's position: the map's insertion order is the eviction order.
      this.chunks.delete(chunkKey(metric, h));
      this.chunks.set(chunkKey(metric, h), cached);
      return cached;
    }
    // Every requested metric missing at h, this one last so that filling the cache never evicts it.
    const maxCached = this.options.maxCachedChunks ?? DEFAULT_MAX_CACHED_CHUNKS;
    const missing = [...this.requested].filter((m) => m !== metric && !this.chunks.has(chunkKey(m, h))).slice(0, maxCached - 1);
    missing.push(metric);
    const stored = collectStored(this.scenario, specsNamed(this.scenario, missing), h, h + CHUNK_SECONDS);
    let result: KeyedSeries[] = [];
    for (const m of missing) {
      const series = (stored.get(m) ?? []).map((s) => ({ ...s, key: JSON.stringify(Object.entries(s.labels).sort()) }));
      if (this.chunks.size >= maxCached) this.chunks.delete(this.chunks.keys().next().value!);
      this.chunks.set(chunkKey(m, h), series);
      result = series;
    }
    return result;
  }
}
