import { describe, expect, it } from 'vitest';
import type { SeriesSamples } from '../../src/core/types.js';
import { missingSpans, SampleCoverage } from '../../src/report/coverage.js';
import { descriptor } from '../core/ledger/helpers.js';

const H = 3600;
const O = 1_800_000_000; // a whole hour

const series = (key: string, times: readonly number[]): SeriesSamples => ({ descriptor: descriptor(key), timestamps: times, values: times.map(() => 1) });

describe('SampleCoverage', () => {
  it('covers an hour (h, h + 1 h] with a sample in it, a sample on its end included, and not one on its start', () => {
    const c = new SampleCoverage();
    c.observe([series('a', [O + H])]);
    expect(c.hours(O, O + 3 * H)).toEqual([true, false, false]);
    const d = new SampleCoverage();
    d.observe([series('a', [O + H + 0.001])]);
    expect(d.hours(O, O + 3 * H)).toEqual([false, true, false]);
  });

  it('covers the hours a series spans between two samples, also across reads, but not before every first or after every last sample', () => {
    const c = new SampleCoverage();
    // Series a: one sample in hour 1, the next in hour 4 (a scrape gap), read in two chunks.
    c.observe([series('a', [O + H + 10])]);
    c.observe([series('a', [O + 4 * H + 10])]);
    c.observe([series('b', [O + 5 * H + 30, O + 5 * H + 60])]);
    expect(c.hours(O, O + 7 * H)).toEqual([false, true, true, true, true, true, false]);
  });

  it('ignores series without samples and gives nothing for an empty period', () => {
    const c = new SampleCoverage();
    c.observe([series('a', [])]);
    expect(c.hours(O, O + 2 * H)).toEqual([false, false]);
    expect(c.hours(O, O)).toEqual([]);
  });
});

describe('missingSpans', () => {
  it('gives the runs of hours without data', () => {
    expect(missingSpans(O, [false, false, true, false, true, true, false])).toEqual([
      { from: O, to: O + 2 * H },
      { from: O + 3 * H, to: O + 4 * H },
      { from: O + 6 * H, to: O + 7 * H },
    ]);
    expect(missingSpans(O, [true, true])).toEqual([]);
  });
});
