import { describe, expect, it } from 'vitest';
import type { RawSeries } from '../../src/core/types.js';
import { clipSeries, labelKey, mergeChunks } from '../../src/prometheus/series-merge.js';
import { chunkBounds } from '../../src/prometheus/source.js';

function series(labels: Record<string, string>, samples: [number, number][]): RawSeries {
  return { labels, timestamps: Float64Array.from(samples, (s) => s[0]), values: Float64Array.from(samples, (s) => s[1]) };
}
const pairs = (s: RawSeries | undefined): number[][] => (s ? Array.from(s.timestamps, (t, i) => [t, s.values[i] as number]) : []);

describe('chunkBounds', () => {
  it.each([
    [0, 10, 4, [[0, 4], [4, 8], [8, 10]]],
    [0, 8, 4, [[0, 4], [4, 8]]],
    [5, 5, 4, []],
    [6, 5, 4, []],
    [1000.123, 1000.3, 0.1, [[1000.123, 1000.223], [1000.223, 1000.3]]],
    [1000.1236, 1000.2, 1, [[1000.123, 1000.2]]], // floored to ms: t > 1000.1236 ≡ t > 1000.123 for ms samples
  ])('cuts (%f, %f] into pieces of at most %f s', (start, end, max, expected) => {
    expect(chunkBounds(start, end, max)).toEqual(expected);
  });
});

describe('clipSeries', () => {
  const s = series({ a: '1' }, [[1, 10], [2, 20], [3, 30], [4, 40]]);
  it('keeps start < t ≤ end', () => {
    expect(pairs(clipSeries(s, 1, 3))).toEqual([[2, 20], [3, 30]]);
    expect(pairs(clipSeries(s, 0, 4))).toEqual(pairs(s));
    expect(pairs(clipSeries(s, 4, 9))).toEqual([]);
  });
  it('works on plain arrays too', () => {
    const plain: RawSeries = { labels: {}, timestamps: [1, 2, 3], values: [5, 6, 7] };
    expect(pairs(clipSeries(plain, 1.5, 2.5))).toEqual([[2, 6]]);
  });
});

describe('mergeChunks', () => {
  it('concatenates one series per label set across chunks, whatever the label order', () => {
    const merged = mergeChunks([
      [series({ a: '1', b: '2' }, [[1, 1], [2, 2]]), series({ a: '9' }, [[2, 5]])],
      [series({ b: '2', a: '1' }, [[3, 3]]), series({ a: '7' }, [])],
      [series({ a: '1', b: '2' }, [[4, 0]])],
    ]);
    expect(merged).toHaveLength(2);
    expect(pairs(merged.find((s) => s.labels.a === '1'))).toEqual([[1, 1], [2, 2], [3, 3], [4, 0]]);
    expect(pairs(merged.find((s) => s.labels.a === '9'))).toEqual([[2, 5]]);
  });

  it('keeps a label set once when two split queries of the same chunk both return it', () => {
    const dup = series({ a: '1' }, [[1, 1]]);
    expect(pairs(mergeChunks([[dup, dup], [series({ a: '1' }, [[2, 2]])]])[0])).toEqual([[1, 1], [2, 2]]);
  });

  it('identifies label sets by content, not order or concatenation ambiguity', () => {
    expect(labelKey({ a: '1', b: '2' })).toBe(labelKey({ b: '2', a: '1' }));
    expect(labelKey({ a: 'b', c: '' })).not.toBe(labelKey({ a: 'bc' }));
  });
});
