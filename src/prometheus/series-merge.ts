import type { RawSeries } from '../core/types.js';

/**
 * Samples of `series` with `start < t ≤ end` (the arrays must be ascending). Returns views
 * (`subarray`) when the arrays are typed arrays, copies otherwise.
 */
export function clipSeries(series: RawSeries, start: number, end: number): RawSeries {
  const { timestamps, values } = series;
  const from = firstAbove(timestamps, start);
  let to = timestamps.length;
  while (to > from && (timestamps[to - 1] as number) > end) to--;
  if (from === 0 && to === timestamps.length) return series;
  return { labels: series.labels, timestamps: slice(timestamps, from, to), values: slice(values, from, to) };
}

/**
 * Joins the results of consecutive, non-overlapping time chunks (in time order) into one series per
 * label set; within one chunk a label set seen twice (overlapping split matchers) is kept once.
 * Series without samples are dropped.
 */
export function mergeChunks(chunks: readonly (readonly RawSeries[])[]): RawSeries[] {
  const merged = new Map<string, { labels: RawSeries['labels']; parts: RawSeries[]; lastChunk: number }>();
  chunks.forEach((chunk, index) => {
    for (const series of chunk) {
      if (series.timestamps.length === 0) continue;
      const key = labelKey(series.labels);
      const entry = merged.get(key);
      if (entry === undefined) merged.set(key, { labels: series.labels, parts: [series], lastChunk: index });
      else if (entry.lastChunk !== index) {
        entry.parts.push(series);
        entry.lastChunk = index;
      }
    }
  });
  const result: RawSeries[] = [];
  for (const { labels, parts } of merged.values()) {
    result.push(parts.length === 1 ? (parts[0] as RawSeries) : concat(labels, parts));
  }
  return result;
}

/** A string that identifies a label set regardless of key order. */
export function labelKey(labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels).sort();
  let key = '';
  for (const name of names) key += `${name}\u0000${labels[name]}\u0001`;
  return key;
}

function concat(labels: RawSeries['labels'], parts: readonly RawSeries[]): RawSeries {
  let length = 0;
  for (const part of parts) length += part.timestamps.length;
  const timestamps = new Float64Array(length);
  const values = new Float64Array(length);
  let offset = 0;
  for (const part of parts) {
    for (let i = 0; i < part.timestamps.length; i++) {
      timestamps[offset + i] = part.timestamps[i] as number;
      values[offset + i] = part.values[i] as number;
    }
    offset += part.timestamps.length;
  }
  return { labels, timestamps, values };
}

function firstAbove(sorted: ArrayLike<number>, bound: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) > bound) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function slice(array: ArrayLike<number>, from: number, to: number): ArrayLike<number> {
  if (array instanceof Float64Array) return array.subarray(from, to);
  return Array.prototype.slice.call(array, from, to) as number[];
}
