import { describe, expect, it } from 'vitest';
import { buildSnapshot, Ledger, publishedPeriods } from '../../../src/core/ledger/index.js';
import { descriptor, nodeDescriptor, samples } from './helpers.js';

const O = 360_000;
const LABELS = { namespaceLabels: ['namespace'], nodeLabels: ['node'] };

function ledger(): Ledger {
  return new Ledger({ origin: O, windows: [{ label: '5m', seconds: 300 }, { label: '1h', seconds: 3600 }] });
}

describe('publishedPeriods', () => {
  it.each([
    { name: 'puts a watermark on an hour boundary in the hour ending there', watermark: O + 3600, expected: [{ label: 'current_hour', hourStart: O }] },
    {
      name: 'publishes the previous hour once the watermark has passed its end',
      watermark: O + 3601,
      expected: [{ label: 'current_hour', hourStart: O + 3600 }, { label: 'previous_hour', hourStart: O }],
    },
    { name: 'does not publish a previous hour that ends at or before the origin', watermark: O + 1, expected: [{ label: 'current_hour', hourStart: O }] },
  ])('$name', ({ watermark, expected }) => {
    expect(publishedPeriods(watermark, O)).toEqual(expected);
  });
});

describe('buildSnapshot', () => {
  it('has no groups and no watermark before the first sample', () => {
    const s = buildSnapshot(ledger(), LABELS);
    expect(s.watermark).toBeUndefined();
    expect(s.namespaces).toEqual([]);
    expect(s.nodes).toEqual([]);
    expect(s.stats.series).toBe(0);
  });

  it('reports windows and periods in watt-hours and the total in joules', () => {
    const l = ledger();
    // 1 W from O to O+3900 (watermark 5 min into the second hour).
    const pairs: [number, number][] = [];
    for (let t = O; t <= O + 3900; t += 60) pairs.push([t, t - O]);
    l.ingest([samples(descriptor('a', { group: ['shop'] }), pairs), samples(nodeDescriptor('n', 'node-1'), pairs)]);
    const s = buildSnapshot(l, LABELS);
    const expected = {
      labels: ['shop'],
      totalJoules: 3900,
      windows: { '5m': 300 / 3600, '1h': 1 },
      periods: { current_hour: 300 / 3600, previous_hour: 1 },
    };
    expect(s.watermark).toBe(O + 3900);
    expect(s.namespaces).toEqual([expected]);
    expect(s.nodes).toEqual([{ ...expected, labels: ['node-1'] }]);
    expect(s.namespaceLabels).toEqual(['namespace']);
  });

  it('leaves out a group with no energy in the longest window or the published hours', () => {
    const l = ledger();
    l.ingest([
      samples(descriptor('old', { group: ['gone'] }), [[O, 0], [O + 60, 100]]),
      samples(descriptor('new', { group: ['live'] }), [[O + 3 * 3600, 0], [O + 3 * 3600 + 60, 10]]),
    ]);
    const s = buildSnapshot(l, LABELS);
    expect(s.namespaces.map((g) => g.labels)).toEqual([['live']]);
    expect(l.totals('namespace').map((g) => g.joules)).toEqual([100, 10]);
  });

  it('keeps a group whose energy is only in the previous hour', () => {
    const l = ledger();
    l.ingest([
      samples(descriptor('a', { group: ['quiet'] }), [[O, 0], [O + 60, 100]]),
      samples(descriptor('b', { group: ['busy'] }), [[O, 0], [O + 3600 + 60, 10]]),
    ]);
    const s = buildSnapshot(l, { namespaceLabels: ['namespace'], nodeLabels: ['node'] });
    const quiet = s.namespaces.find((g) => g.labels[0] === 'quiet');
    expect(quiet?.periods).toEqual({ current_hour: 0, previous_hour: 100 / 3600 });
    expect(quiet?.windows).toEqual({ '5m': 0, '1h': 0 });
  });

  it('is deeply immutable', () => {
    const l = ledger();
    l.ingest([samples(descriptor('a'), [[O, 0], [O + 60, 100]])]);
    const s = buildSnapshot(l, LABELS);
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.namespaces[0]!.windows)).toBe(true);
    expect(Object.isFrozen(s.stats.rejected)).toBe(true);
    expect(() => {
      (s.namespaces as unknown as unknown[]).push(1);
    }).toThrow();
  });
});
