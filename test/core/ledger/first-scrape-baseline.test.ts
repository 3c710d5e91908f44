import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/core/ledger/index.js';
import type { SeriesDescriptor, SeriesSamples } from '../../../src/core/types.js';
import { FirstScrapeBaseline } from '../../../src/core/ledger/first-scrape-baseline.js';

const ORIGIN = 1_767_225_600; // 2026-01-01T00:00:00Z

function series(key: string, node: string, samples: [number, number][], kind: 'counter' | 'gauge' = 'counter'): SeriesSamples {
  const descriptor: SeriesDescriptor = {
    key,
    schema: 'v0.10+',
    scope: 'namespace',
    kind,
    toJoules: 1,
    ...(kind === 'gauge' ? { samplePeriodSeconds: 3 } : {}),
    group: [key.split('/')[0]!],
    node,
    component: 'package',
  };
  return { descriptor, timestamps: samples.map(([t]) => t), values: samples.map(([, v]) => v) };
}

const first = (batch: SeriesSamples[], key: string): [number, number] | undefined => {
  const s = batch.find((x) => x.descriptor.key === key)!;
  return [s.timestamps[0]!, s.values[0]!];
};

describe('FirstScrapeBaseline', () => {
  it('gives the series of a node\'s first scrape after the origin a baseline at the origin, and none to later pods', () => {
    const baseline = new FirstScrapeBaseline(ORIGIN);
    const t0 = ORIGIN + 1800;
    const out = baseline.apply([
      series('shop/a', 'n1', [[t0, 5_000_000], [t0 + 15, 5_000_300]]),
      series('shop/new', 'n1', [[t0 + 15, 40]]),
      series('web/b', 'n2', [[t0 + 7, 900_000]]),
    ]);
    expect(first(out, 'shop/a')).toEqual([ORIGIN, 5_000_000]);
    expect(first(out, 'web/b')).toEqual([ORIGIN, 900_000]);
    expect(first(out, 'shop/new')).toEqual([t0 + 15, 40]);

    // Through the ledger: the existing series count only what they gained, the new pod from 0.
    const ledger = new Ledger({ origin: ORIGIN, windows: [{ label: '1h', seconds: 3600 }] });
    ledger.ingest(out);
    expect(ledger.totals('namespace').map((g) => [g.labels[0], g.joules])).toEqual([
      ['shop', 340],
      ['web', 0],
    ]);
  });

  it('also gives a baseline to a series of the first scrape that shows up in a later batch, and re-reads change nothing', () => {
    const baseline = new FirstScrapeBaseline(ORIGIN);
    const t0 = ORIGIN + 60;
    const ledger = new Ledger({ origin: ORIGIN, windows: [{ label: '1h', seconds: 3600 }] });
    ledger.ingest(baseline.apply([series('shop/a', 'n1', [[t0, 1000], [t0 + 15, 1010]])]));
    // The backend made this series of the same scrape visible late; the overlap re-reads shop/a.
    ledger.ingest(baseline.apply([series('shop/a', 'n1', [[t0, 1000], [t0 + 15, 1010], [t0 + 30, 1025]]), series('web/late', 'n1', [[t0, 7000], [t0 + 30, 7004]])]));
    expect(ledger.totals('namespace').map((g) => [g.labels[0], g.joules])).toEqual([
      ['shop', 25],
      ['web', 4],
    ]);
  });

  it('leaves nodes with samples at or before the origin and gauge series to the ledger', () => {
    const baseline = new FirstScrapeBaseline(ORIGIN);
    const out = baseline.apply([
      series('shop/a', 'n1', [[ORIGIN - 100, 50], [ORIGIN + 20, 60]]),
      series('shop/g', 'n3', [[ORIGIN + 30, 6]], 'gauge'),
    ]);
    expect(first(out, 'shop/a')).toEqual([ORIGIN - 100, 50]);
    expect(first(out, 'shop/g')).toEqual([ORIGIN + 30, 6]);
  });

  it('is needed: without it the ledger counts a whole counter first seen after the origin as new energy', () => {
    const ledger = new Ledger({ origin: ORIGIN, windows: [{ label: '1h', seconds: 3600 }] });
    ledger.ingest([series('shop/a', 'n1', [[ORIGIN + 1800, 5_000_000], [ORIGIN + 1815, 5_000_300]])]);
    expect(ledger.totals('namespace')[0]!.joules).toBe(5_000_300);
  });
});
