import { describe, expect, it } from 'vitest';
import type { SeriesDescriptor, SeriesSamples } from '../../../src/core/types.js';
import { mergeByKey } from '../../../src/core/ledger/merge-by-key.js';

const descriptor: SeriesDescriptor = {
  key: 'pod-1/package',
  schema: 'v0.10+',
  scope: 'namespace',
  kind: 'counter',
  toJoules: 1,
  group: ['shop'],
  node: 'worker-1',
  component: 'package',
};
const series = (pairs: [number, number][]): SeriesSamples => ({ descriptor, timestamps: pairs.map((p) => p[0]), values: pairs.map((p) => p[1]) });
const pairsOf = (s: SeriesSamples): [number, number][] => Array.from(s.timestamps, (t, i) => [t, s.values[i] as number]);

describe('mergeByKey', () => {
  it('joins a running series and its one-sample terminated series into one time-ordered counter', () => {
    const running = series([[10, 1], [20, 2], [30, 3]]);
    const terminated = series([[40, 3.5]]);
    for (const input of [[running, terminated], [terminated, running]]) {
      const merged = mergeByKey(input);
      expect(merged).toHaveLength(1);
      expect(pairsOf(merged[0]!)).toEqual([[10, 1], [20, 2], [30, 3], [40, 3.5]]);
    }
  });

  it('keeps the larger reading where two series have a sample at the same instant, whatever the input order', () => {
    const a = series([[10, 1], [20, 2]]);
    const b = series([[20, 2.5], [30, 3]]);
    expect(pairsOf(mergeByKey([a, b])[0]!)).toEqual([[10, 1], [20, 2.5], [30, 3]]);
    expect(pairsOf(mergeByKey([b, a])[0]!)).toEqual([[10, 1], [20, 2.5], [30, 3]]);
  });

  it('lets a real reading win over a staleness marker (NaN) at the same instant, whatever the input order', () => {
    const stale = series([[20, Number.NaN]]);
    const live = series([[10, 1], [20, 2]]);
    expect(pairsOf(mergeByKey([stale, live])[0]!)).toEqual([[10, 1], [20, 2]]);
    expect(pairsOf(mergeByKey([live, stale])[0]!)).toEqual([[10, 1], [20, 2]]);
  });
});
