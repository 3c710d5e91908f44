import { describe, expect, it } from 'vitest';
import { Ledger, type LedgerOptions } from '../../../src/core/ledger/index.js';
import { descriptor, gauge, joulesOf, nodeDescriptor, samples } from './helpers.js';

/** Hour-aligned origin used throughout. */
const O = 360_000;
const WINDOWS = [
  { label: '5m', seconds: 300 },
  { label: '1h', seconds: 3600 },
];

function ledger(over: Partial<LedgerOptions> = {}): Ledger {
  return new Ledger({ origin: O, windows: WINDOWS, ...over });
}

function totalOf(l: Ledger, group: string): number {
  return joulesOf(l.totals('namespace'), group);
}

describe('counter deltas', () => {
  it.each([
    { name: 'counts the delta between consecutive samples', pairs: [[O, 100], [O + 60, 160], [O + 120, 250]], joules: 150, resets: 0 },
    { name: 'treats a decrease as a counter reset and counts the new value', pairs: [[O, 100], [O + 60, 200], [O + 120, 50], [O + 180, 80]], joules: 180, resets: 1 },
    { name: 'starts a series first seen after the origin from zero', pairs: [[O + 30, 40], [O + 90, 100]], joules: 100, resets: 0 },
    { name: 'uses a first sample at or before the origin only as a baseline', pairs: [[O - 60, 1000], [O, 1010], [O + 60, 1070]], joules: 60, resets: 0 },
    { name: 'books only the part after the origin of a delta that straddles it', pairs: [[O - 30, 0], [O + 30, 60]], joules: 30, resets: 0 },
    { name: 'counts nothing for deltas wholly before the origin', pairs: [[O - 120, 0], [O - 60, 500], [O, 900]], joules: 0, resets: 0 },
  ] as const)('$name', ({ pairs, joules, resets }) => {
    const l = ledger();
    const r = l.ingest([samples(descriptor('a'), pairs)]);
    expect(totalOf(l, 'ns-a')).toBe(joules);
    expect(r.resets).toBe(resets);
    expect(r.accepted).toBe(pairs.length);
    expect(l.stats().resets).toBe(resets);
  });

  it('rejects a delta implying more than the power limit and resumes from the spike', () => {
    const l = ledger();
    const r = l.ingest([samples(descriptor('a'), [[O, 0], [O + 10, 10], [O + 20, 1e9], [O + 30, 1e9 + 10]])]);
    expect(r.rejected.implausible).toBe(1);
    expect(r.accepted).toBe(3);
    expect(totalOf(l, 'ns-a')).toBe(20);
  });

  it.each([
    { name: 'accepts a first value of a new series up to the limit over the grace period', value: 5000 * 300, joules: 5000 * 300 + 10 },
    { name: 'rejects a first value of a new series beyond the limit over the grace period', value: 5000 * 300 + 1, joules: 10 },
  ])('$name', ({ value, joules }) => {
    const l = ledger();
    l.ingest([samples(descriptor('a'), [[O + 10, value], [O + 20, value + 10]])]);
    expect(totalOf(l, 'ns-a')).toBe(joules);
  });

  it('allows a larger first value when the series appears long after the origin', () => {
    const l = ledger({ maxSeriesPowerWatts: 10 });
    l.ingest([samples(descriptor('a'), [[O + 1000, 9000]])]);
    expect(totalOf(l, 'ns-a')).toBe(9000);
    l.ingest([samples(descriptor('b'), [[O + 1000, 10_001]])]);
    expect(totalOf(l, 'ns-b')).toBe(0);
    expect(l.stats().rejected.implausible).toBe(1);
  });
});

describe('sample handling', () => {
  it('skips a re-read of already accounted samples without counting them twice', () => {
    const l = ledger();
    const batch = [samples(descriptor('a'), [[O, 0], [O + 10, 10]])];
    l.ingest(batch);
    const again = l.ingest(batch);
    expect(again).toEqual({ accepted: 0, skipped: 2, rejected: { implausible: 0, out_of_order: 0, malformed: 0 }, resets: 0, processExits: 0 });
    expect(totalOf(l, 'ns-a')).toBe(10);
    expect(l.stats().samples).toBe(2);
  });

  it('counts a sample that goes back in time within a batch as out of order and skips it', () => {
    const l = ledger();
    const r = l.ingest([samples(descriptor('a'), [[O, 0], [O + 20, 20], [O + 10, 15], [O + 15, 17], [O + 30, 30]])]);
    expect(r.rejected.out_of_order).toBe(2);
    expect(r.accepted).toBe(3);
    expect(totalOf(l, 'ns-a')).toBe(30);
  });

  it('skips a duplicate timestamp within a batch silently', () => {
    const l = ledger();
    const r = l.ingest([samples(descriptor('a'), [[O, 0], [O + 10, 10], [O + 10, 10]])]);
    expect(r.skipped).toBe(1);
    expect(r.rejected.out_of_order).toBe(0);
  });

  it.each([
    { name: 'a NaN value', bad: NaN },
    { name: 'an infinite value', bad: Infinity },
    { name: 'a negative value', bad: -1 },
    { name: 'a negative infinite value', bad: -Infinity },
  ])('counts $name as malformed and bridges the delta over it', ({ bad }) => {
    const l = ledger();
    const r = l.ingest([samples(descriptor('a'), [[O, 0], [O + 10, bad], [O + 20, 20]])]);
    expect(r.rejected.malformed).toBe(1);
    expect(r.accepted).toBe(2);
    expect(totalOf(l, 'ns-a')).toBe(20);
  });

  it('does not count a malformed sample again when it is re-read', () => {
    const l = ledger();
    const d = descriptor('a');
    l.ingest([samples(d, [[O, 0], [O + 10, NaN]])]);
    const r = l.ingest([samples(d, [[O, 0], [O + 10, NaN], [O + 20, 20]])]);
    expect(r.rejected.malformed).toBe(0);
    expect(l.stats().rejected.malformed).toBe(1);
    expect(totalOf(l, 'ns-a')).toBe(20);
  });

  it.each([0, -1, NaN])('throws on a descriptor whose toJoules is %s', (toJoules) => {
    const l = ledger();
    expect(() => l.ingest([samples(descriptor('a', { toJoules }), [[O, 1]])])).toThrow(/toJoules must be positive/);
  });

  it('throws on a series whose timestamps and values differ in length', () => {
    const l = ledger();
    expect(() => l.ingest([{ descriptor: descriptor('a'), timestamps: [O, O + 1], values: [1] }])).toThrow(/2 timestamps but 1 values/);
  });
});

describe('gauge integration', () => {
  it('integrates a v0.3 gauge as value times elapsed time over the sample period', () => {
    const l = ledger();
    // 3000 mJ per 3 s is 1 W, then 2 W.
    l.ingest([samples(gauge('g'), [[O, 3000], [O + 30, 3000], [O + 60, 6000]])]);
    expect(totalOf(l, 'ns-g')).toBe(30 + 60);
  });

  it('books one sample period for the first sample of a gauge seen after the origin on a node with no earlier scrape', () => {
    const l = ledger();
    l.ingest([samples(gauge('g'), [[O + 30, 3000]])]);
    expect(totalOf(l, 'ns-g')).toBe(3);
    expect(joulesOf(l.hourEnergy('namespace', O), 'ns-g')).toBe(3);
  });

  it('rejects a gauge value implying more than the power limit', () => {
    const l = ledger({ maxSeriesPowerWatts: 100 });
    const r = l.ingest([samples(gauge('g'), [[O, 0], [O + 3, 301_000], [O + 6, 3000]])]);
    expect(r.rejected.implausible).toBe(1);
    expect(totalOf(l, 'ns-g')).toBe(3);
  });

  it('throws on a gauge descriptor without a sample period', () => {
    const l = ledger();
    const d = gauge('g', 3, { samplePeriodSeconds: undefined });
    expect(() => l.ingest([samples(d, [[O, 1]])])).toThrow(/samplePeriodSeconds/);
  });
});

describe('attribution in time', () => {
  it('splits a delta across an hour boundary linearly in time', () => {
    const l = ledger();
    l.ingest([samples(descriptor('a'), [[O + 1800, 0], [O + 5400, 3600]])]);
    expect(l.hours('namespace', O, O + 7200)).toEqual([
      { hourStart: O, labels: ['ns-a'], joules: 1800 },
      { hourStart: O + 3600, labels: ['ns-a'], joules: 1800 },
    ]);
  });

  it('splits into integer microjoule pieces that add up exactly to the delta', () => {
    const l = ledger({ windows: [{ label: '1m', seconds: 60 }, ...WINDOWS] });
    // 100 µJ over (O+30, O+210]: pieces round(100·F) telescoped: 17, 33, 33, 17.
    l.ingest([samples(descriptor('a'), [[O + 30, 0], [O + 210, 0.0001]])]);
    // The window (O+150, O+210] holds the last piece and half of the bucket (O+120, O+180].
    expect(joulesOf(l.window('namespace', 60), 'ns-a')).toBeCloseTo((17 + 33 / 2) / 1e6, 12);
    expect(Math.round(joulesOf(l.window('namespace', 300), 'ns-a') * 1e6)).toBe(100);
  });

  it('books the first value of a new counter at its first instant', () => {
    const l = ledger();
    l.ingest([samples(descriptor('a'), [[O + 3600, 50]])]);
    // O+3600 is the end of the hour starting at O.
    expect(joulesOf(l.hourEnergy('namespace', O), 'ns-a')).toBe(50);
    expect(joulesOf(l.hourEnergy('namespace', O + 3600), 'ns-a')).toBe(0);
  });
});

describe('windows at the watermark', () => {
  const steady = (end: number): [number, number][] => {
    const pairs: [number, number][] = [];
    for (let t = O; t <= end; t += 30) pairs.push([t, t - O]);
    return pairs;
  };

  it('sums the trailing window exactly when the watermark is bucket-aligned', () => {
    const l = ledger();
    l.ingest([samples(descriptor('a'), steady(O + 7200))]);
    expect(l.watermark).toBe(O + 7200);
    expect(joulesOf(l.window('namespace', 300), 'ns-a')).toBe(300);
    expect(joulesOf(l.window('namespace', 3600), 'ns-a')).toBe(3600);
  });

  it('interpolates the bucket at the window start when the watermark is mid-bucket', () => {
    const l = ledger();
    l.ingest([samples(descriptor('a'), [...steady(O + 7200), [O + 7215, 7215]])]);
    expect(l.watermark).toBe(O + 7215);
    expect(joulesOf(l.window('namespace', 300), 'ns-a')).toBe(300);
  });

  it('rejects a window that is not a multiple of the bucket or longer than the longest', () => {
    const l = ledger();
    expect(() => l.window('namespace', 90)).toThrow(/invalid window/);
    expect(() => l.window('namespace', 7 * 3600)).toThrow(/invalid window/);
  });
});

describe('retention and series TTL', () => {
  it('keeps totals monotonic while old hours are evicted', () => {
    const l = ledger({ retentionSeconds: 7200 });
    const d = descriptor('a');
    let previous = 0;
    for (let h = 0; h < 6; h++) {
      const pairs: [number, number][] = [];
      for (let t = O + h * 3600; t <= O + (h + 1) * 3600; t += 60) pairs.push([t, t - O]);
      l.ingest([samples(d, pairs)]);
      const total = totalOf(l, 'ns-a');
      expect(total).toBe((h + 1) * 3600);
      expect(total).toBeGreaterThan(previous);
      previous = total;
    }
    // Watermark O+6h: the held hours are the current one and the two before it.
    expect(l.hours('namespace', 0, O + 24 * 3600).map((r) => r.hourStart)).toEqual([O + 3 * 3600, O + 4 * 3600, O + 5 * 3600]);
    expect(joulesOf(l.hourEnergy('namespace', O), 'ns-a')).toBe(0);
  });

  it('drops a series silent for longer than the TTL and counts it from zero when it returns', () => {
    const l = ledger({ seriesTtlSeconds: 600 });
    l.ingest([samples(descriptor('a'), [[O, 0], [O + 60, 60]]), samples(descriptor('b'), [[O, 0], [O + 700, 700]])]);
    expect(l.stats().series).toBe(1);
    l.ingest([samples(descriptor('a'), [[O + 800, 500]])]);
    expect(l.stats().series).toBe(2);
    expect(totalOf(l, 'ns-a')).toBe(60 + 500);
  });

  it('does not resurrect a dropped series when an overlap re-reads its old samples', () => {
    const l = ledger({ seriesTtlSeconds: 600 });
    const a = samples(descriptor('a'), [[O + 30, 0], [O + 60, 60]]);
    l.ingest([a, samples(descriptor('b'), [[O, 0], [O + 700, 700]])]);
    const r = l.ingest([a]);
    expect(r.skipped).toBe(2);
    expect(l.stats().series).toBe(1);
    expect(totalOf(l, 'ns-a')).toBe(60);
  });

  it('treats a silence longer than the TTL the same way within one batch', () => {
    const l = ledger({ seriesTtlSeconds: 600 });
    l.ingest([samples(descriptor('a'), [[O, 0], [O + 60, 60], [O + 800, 500]])]);
    expect(totalOf(l, 'ns-a')).toBe(60 + 500);
  });
});

describe('scopes and groups', () => {
  it('keeps node-scope series apart from namespaces and groups series by their labels', () => {
    const l = ledger();
    l.ingest([
      samples(descriptor('p1', { group: ['shop'] }), [[O, 0], [O + 60, 10]]),
      samples(descriptor('p2', { group: ['shop'] }), [[O, 0], [O + 60, 5]]),
      samples(nodeDescriptor('n1', 'node-1'), [[O, 0], [O + 60, 40]]),
    ]);
    expect(l.totals('namespace')).toEqual([{ labels: ['shop'], joules: 15 }]);
    expect(l.totals('node')).toEqual([{ labels: ['node-1'], joules: 40 }]);
    expect(l.groups('node')).toEqual([['node-1']]);
  });

  it('returns groups sorted by labels whatever the order they were seen in', () => {
    const l = ledger();
    l.ingest(['zeta', 'alpha', 'mid'].map((g) => samples(descriptor(g, { group: ['c1', g] }), [[O, 0]])));
    expect(l.groups('namespace')).toEqual([['c1', 'alpha'], ['c1', 'mid'], ['c1', 'zeta']]);
  });
});

describe('options', () => {
  it.each([
    { name: 'a bucket that does not divide an hour', over: { bucketSeconds: 7 }, message: /bucketSeconds/ },
    { name: 'a window that is not a multiple of the bucket', over: { windows: [{ label: 'x', seconds: 90 }] }, message: /multiple/ },
    { name: 'no windows', over: { windows: [] }, message: /at least one window/ },
    { name: 'duplicate window labels', over: { windows: [WINDOWS[0]!, WINDOWS[0]!] }, message: /unique/ },
    { name: 'a non-finite origin', over: { origin: NaN }, message: /origin/ },
    { name: 'a window longer than the retention', over: { retentionSeconds: 3600, windows: [{ label: '2h', seconds: 7200 }] }, message: /exceeds/ },
    { name: 'a non-positive power limit', over: { maxSeriesPowerWatts: 0 }, message: /maxSeriesPowerWatts/ },
  ])('rejects $name', ({ over, message }) => {
    expect(() => ledger(over as Partial<LedgerOptions>)).toThrow(message);
  });

  it('applies the documented defaults', () => {
    expect(ledger().options).toMatchObject({
      retentionSeconds: 172_800,
      bucketSeconds: 60,
      maxSeriesPowerWatts: 5000,
      newSeriesGraceSeconds: 300,
      seriesTtlSeconds: 172_800,
    });
  });
});
