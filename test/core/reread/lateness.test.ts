import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanLateness } from '../../../src/core/reread/lateness.js';

const series = (key: string, timestamps: number[]) => ({ descriptor: { key }, timestamps });

describe('scanLateness', () => {
  it('measures the lateness of new samples at or before the previous read end, and only of new ones', () => {
    const newest = new Map([['a', 100], ['b', 90]]);
    const scan = scanLateness(
      [series('a', [70, 100, 110, 130]), series('b', [80, 95, 125]), series('c', [105, 120])],
      (k) => newest.get(k),
      120,
      100,
    );
    // a: 70 and 100 already accounted; 110 is new and 10 s late; 130 is after the previous read.
    // b: 95 is new, 25 s late and before the regular start (a straggler). c is new: 105 is 15 s late.
    expect(scan).toEqual({ samples: 9, worstLateness: 25, stragglers: 1, scrapeInterval: 15 });
  });

  it('finds nothing late when every new sample is after the previous read', () => {
    const scan = scanLateness([series('a', [100, 130])], () => 100, 100, 70);
    expect(scan.worstLateness).toBe(0);
    expect(scan.stragglers).toBe(0);
  });

  it('takes the scrape interval as the slowest series shortest spacing, ignoring a missed scrape', () => {
    const scan = scanLateness([series('fast', [0, 15, 45, 60]), series('slow', [0, 60, 180]), series('one', [5])], () => undefined, -Infinity, -Infinity);
    expect(scan.scrapeInterval).toBe(60);
    expect(scanLateness([series('one', [5])], () => undefined, 0, 0).scrapeInterval).toBeUndefined();
  });

  it('property: the worst lateness is that of the oldest new sample at or before the previous end', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: -1, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        (raw, cursor, previousEnd) => {
          const ts = [...raw].sort((a, b) => a - b);
          const scan = scanLateness([series('s', ts)], () => (cursor < 0 ? undefined : cursor), previousEnd, previousEnd - 50);
          const late = ts.filter((t) => (cursor < 0 || t > cursor) && t <= previousEnd);
          expect(scan.worstLateness).toBe(late.length === 0 ? 0 : previousEnd - (late[0] as number));
          expect(scan.stragglers).toBe(late.filter((t) => t <= previousEnd - 50).length);
          expect(scan.samples).toBe(ts.length);
        },
      ),
    );
  });
});
