import { describe, expect, it } from 'vitest';
import { Ledger, type LedgerOptions } from '../../../src/core/ledger/index.js';
import type { SeriesSamples } from '../../../src/core/types.js';
import { descriptor, gauge, joulesOf, samples } from './helpers.js';

/** Hour-aligned origin. */
const O = 360_000;
const H = 3600;

function ledger(over: Partial<LedgerOptions> = {}): Ledger {
  return new Ledger({ origin: O, windows: [{ label: '1h', seconds: H }], ...over });
}

/** A running pod `old` on node-1, scraped every 15 s from `from` to `to` (1 W: 3000 mJ per 3 s). */
function running(from: number, to: number, node = 'node-1'): SeriesSamples {
  const pairs: [number, number][] = [];
  for (let t = from; t <= to; t += 15) pairs.push([t, 3000]);
  return samples(gauge('old', 3, { node }), pairs);
}

describe('the first sample of a new v0.3 gauge series', () => {
  it('stands for the interval since its node previous scrape, as every later sample does', () => {
    const l = ledger();
    // 6000 mJ per 3 s is 2 W; the node was last scraped 15 s before the pod's first sample.
    l.ingest([running(O - 60, O + 60), samples(gauge('new'), [[O + 30, 6000], [O + 45, 6000]])]);
    expect(joulesOf(l.totals('namespace'), 'ns-new')).toBe(2 * 15 + 2 * 15);
  });

  it('books one sample period when its node has no earlier scrape', () => {
    const l = ledger();
    l.ingest([running(O - 60, O + 60, 'node-2'), samples(gauge('new'), [[O + 30, 6000]])]);
    expect(joulesOf(l.totals('namespace'), 'ns-new')).toBe(2 * 3);
  });

  it('ignores the scrapes of counter series on the same node', () => {
    const l = ledger();
    const counter = samples(descriptor('c'), [[O + 10, 0], [O + 20, 10]]);
    l.ingest([counter, samples(gauge('new'), [[O + 30, 6000]])]);
    expect(joulesOf(l.totals('namespace'), 'ns-new')).toBe(2 * 3);
  });

  it('books the same whether the previous scrape is in an earlier batch, later in the batch or in an overlap', () => {
    const fresh = samples(gauge('new'), [[O + 30, 6000], [O + 45, 3000]]);
    const whole = ledger();
    whole.ingest([running(O - 60, O + 60), fresh]);

    const adjacent = ledger();
    adjacent.ingest([running(O - 60, O + 15)]);
    adjacent.ingest([fresh, running(O + 30, O + 60)]);

    const overlapping = ledger();
    overlapping.ingest([running(O - 60, O)]);
    overlapping.ingest([fresh, running(O - 60, O + 60)]);

    expect(joulesOf(whole.totals('namespace'), 'ns-new')).toBe(2 * 15 + 1 * 15);
    for (const l of [adjacent, overlapping]) {
      expect(l.hours('namespace', O, O + H)).toEqual(whole.hours('namespace', O, O + H));
      expect(l.totals('namespace')).toEqual(whole.totals('namespace'));
    }
  });

  it('takes the previous scrape from any gauge series of the node, new ones included, for several first samples in one batch', () => {
    const l = ledger();
    // Node scraped at O (old), O + 20 (a, b), O + 31 (c): 2 W each, so 2 J per second of interval.
    l.ingest([
      samples(gauge('c'), [[O + 31, 6000]]),
      samples(gauge('a'), [[O + 20, 6000]]),
      running(O - 60, O),
      samples(gauge('b'), [[O + 20, 6000]]),
    ]);
    expect(joulesOf(l.totals('namespace'), 'ns-a')).toBe(2 * 20);
    expect(joulesOf(l.totals('namespace'), 'ns-b')).toBe(2 * 20);
    expect(joulesOf(l.totals('namespace'), 'ns-c')).toBe(2 * 11);
  });

  it('books nothing before the origin: the part of the interval before it is cut off', () => {
    const l = ledger();
    // Node scraped at O − 10; the pod's first sample at O + 5 stands for (O − 10, O + 5], a third after the origin.
    l.ingest([samples(gauge('old'), [[O - 25, 3000], [O - 10, 3000]]), samples(gauge('new'), [[O + 5, 6000]])]);
    expect(joulesOf(l.totals('namespace'), 'ns-new')).toBe(10);
    expect(joulesOf(l.hourEnergy('namespace', O), 'ns-new')).toBe(10);
  });

  it('books nothing for a series already running at the origin (a baseline)', () => {
    const l = ledger();
    l.ingest([running(O - 60, O + 60), samples(gauge('new'), [[O, 6000], [O + 15, 6000]])]);
    expect(joulesOf(l.totals('namespace'), 'ns-new')).toBe(2 * 15);
  });

  it('splits the interval linearly across an hour boundary', () => {
    const l = ledger();
    l.ingest([running(O + H - 60, O + H - 15), samples(gauge('new'), [[O + H + 5, 6000]])]);
    expect(l.hours('namespace', O, O + 2 * H).filter((r) => r.labels[0] === 'ns-new')).toEqual([
      { hourStart: O, labels: ['ns-new'], joules: 2 * 15 },
      { hourStart: O + H, labels: ['ns-new'], joules: 2 * 5 },
    ]);
  });

  it('stands for a whole scrape gap before it, as a continuing series does', () => {
    const l = ledger();
    // No scrape of the node for 7 minutes before the pod's first sample: 1 W over 60 s, then over 420 s.
    l.ingest([samples(gauge('old'), [[O, 3000], [O + 60, 3000], [O + 480, 3000]]), samples(gauge('new'), [[O + 480, 6000]])]);
    expect(joulesOf(l.totals('namespace'), 'ns-old')).toBe(60 + 420);
    expect(joulesOf(l.totals('namespace'), 'ns-new')).toBe(2 * 420);
  });

  it('books one sample period when the node previous scrape is more than the series TTL before it', () => {
    const l = ledger({ seriesTtlSeconds: 600 });
    l.ingest([samples(gauge('old'), [[O + 60, 3000]]), samples(gauge('new'), [[O + 661, 6000]])]);
    expect(joulesOf(l.totals('namespace'), 'ns-new')).toBe(2 * 3);
  });

  it('books whole microjoules that add up to the value times the interval over the sample period', () => {
    const l = ledger({ bucketSeconds: 1 });
    // 1234.567 mJ per 3 s over 7 s is 2880.656333 mJ, split over 7 one-second buckets.
    l.ingest([samples(gauge('old'), [[O + 1, 1]]), samples(gauge('new'), [[O + 8, 1234.567]])]);
    expect(Math.round(joulesOf(l.totals('namespace'), 'ns-new') * 1e6)).toBe(2_880_656);
    expect(joulesOf(l.window('namespace', 3600), 'ns-new')).toBe(joulesOf(l.totals('namespace'), 'ns-new'));
  });
});
