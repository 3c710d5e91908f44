import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FirstScrapeBaseline, Ledger } from '../../../src/core/ledger/index.js';
import type { Scope, SeriesSamples } from '../../../src/core/types.js';
import { descriptor } from './helpers.js';

const O = 3600 * 1000;
const SCOPES: Scope[] = ['namespace', 'node'];
const RUNS = Number(process.env.LEDGER_PROPERTY_RUNS ?? 200);

interface Series {
  readonly key: string;
  readonly node: string;
  readonly times: number[];
  readonly values: number[];
}

// Series of two nodes whose first stored scrape is before or after the origin, some of them born later.
const seriesArb = (i: number): fc.Arbitrary<Series> =>
  fc
    .record({
      node: fc.constantFrom('n1', 'n2'),
      startS: fc.integer({ min: -900, max: 7200 }),
      first: fc.integer({ min: 0, max: 5_000_000 }),
      steps: fc.array(fc.record({ dt: fc.integer({ min: 1, max: 900 }), joules: fc.integer({ min: 0, max: 100_000 }) }), { maxLength: 30 }),
    })
    .map(({ node, startS, first, steps }) => {
      const times = [O + startS];
      const values = [first / 1000];
      for (const s of steps) {
        times.push(times[times.length - 1]! + s.dt);
        values.push(values[values.length - 1]! + s.joules / 1000);
      }
      return { key: `s${i}`, node, times, values };
    });

const streamArb = fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => seriesArb(i))));

function samplesOf(s: Series, from: number, to: number): SeriesSamples {
  const idx = s.times.flatMap((t, i) => (t > from && t <= to ? [i] : []));
  return { descriptor: descriptor(s.key, { node: s.node, group: [s.node === 'n1' ? 'a' : 'b'] }), timestamps: idx.map((i) => s.times[i]!), values: idx.map((i) => s.values[i]!) };
}

const observe = (l: Ledger): unknown => SCOPES.map((scope) => ({ totals: l.totals(scope), hours: l.hours(scope, 0, 3600 * 10_000) }));

describe('first-scrape baseline with the ledger', () => {
  it('gives the same ledger for any split of a time-ordered read into overlapping batches', () => {
    fc.assert(
      fc.property(
        streamArb,
        fc.array(fc.integer({ min: -900, max: 40_000 }), { maxLength: 8 }),
        fc.integer({ min: 0, max: 1200 }),
        (stream, cuts, overlap) => {
          const whole = new Ledger({ origin: O, windows: [{ label: '5m', seconds: 300 }] });
          whole.ingest(new FirstScrapeBaseline(O).apply(stream.map((s) => samplesOf(s, -Infinity, Infinity))));
          const batched = new Ledger({ origin: O, windows: [{ label: '5m', seconds: 300 }] });
          const baseline = new FirstScrapeBaseline(O);
          let start = -Infinity;
          for (const cut of [...new Set(cuts.map((c) => O + c))].sort((a, b) => a - b).concat(Infinity)) {
            batched.ingest(baseline.apply(stream.map((s) => samplesOf(s, start - overlap, cut))));
            start = cut;
          }
          expect(observe(batched)).toEqual(observe(whole));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
