import { describe, expect, it } from 'vitest';
import { BucketRing } from '../../../src/core/ledger/group-account.js';
import { Ledger, type LedgerCalendar } from '../../../src/core/ledger/index.js';
import { descriptor, samples } from './helpers.js';

const H = 3600;
const D = 86_400;
const calendar: LedgerCalendar = { dayOf: (hourStart) => Math.floor(hourStart / D), monthStartOf: (day) => day - (day % 10) };
const O = 100 * D;

describe('Ledger.scan', () => {
  it('gives every group the numbers of totals, window, hourEnergy and daysEnergy, in their order', () => {
    const l = new Ledger({ origin: O, windows: [{ label: '5m', seconds: 300 }, { label: '1h', seconds: H }], calendar });
    const batch = ['a', 'b', 'c', 'gone'].map((ns, i) => {
      const pairs: [number, number][] = [];
      const from = ns === 'gone' ? O : O + i * 1800;
      const to = ns === 'gone' ? O + 2 * H : O + 2 * D + 5 * H + 123;
      for (let t = from; t <= to; t += 60 + i * 7) pairs.push([t, (t - from) * (1.5 + i)]);
      return samples(descriptor(`s-${ns}`, { group: [ns] }), pairs);
    });
    l.ingest(batch);
    const hours = [O + 2 * D + 5 * H, O + 2 * D + 4 * H, O + 3 * H];
    const days = [{ fromDay: 102, toDay: 102 }, { fromDay: 101, toDay: 101 }, { fromDay: 100, toDay: 102 }];
    const seen: { labels: readonly string[]; total: number; joules: number[] }[] = [];
    l.scan('namespace', { windows: [300, H], hours, days }, (labels, total, joules) => seen.push({ labels, total, joules: [...joules] }));
    const expected = l.totals('namespace').map((g, i) => ({
      labels: g.labels,
      total: g.joules,
      joules: [
        ...[300, H].map((s) => l.window('namespace', s)[i]!.joules),
        ...hours.map((h) => l.hourEnergy('namespace', h)[i]!.joules),
        ...days.map((d) => l.daysEnergy('namespace', d.fromDay, d.toDay)[i]!.joules),
      ],
    }));
    expect(seen).toEqual(expected);
    expect(seen.map((g) => g.labels)).toEqual([['a'], ['b'], ['c'], ['gone']]);
    expect(seen[3]!.joules.slice(0, 2)).toEqual([0, 0]);
  });
});

describe('BucketRing slot reuse', () => {
  it('a ring that takes the slot array of a compacted or released ring reads only its own buckets', () => {
    const size = 97;
    // Full rings are released; rings with three non-zero buckets are compacted: both give up dirty slots.
    for (let r = 0; r < 8; r++) {
      const ring = new BucketRing(size);
      if (r % 2 === 0) {
        for (let k = 1000; k < 1000 + size; k++) ring.add(k, 1 + r);
        ring.releaseBefore(5000);
        expect(ring.empty).toBe(true);
      } else {
        for (const k of [1000, 1040, 1090]) ring.add(k, 10 + r);
        ring.compact();
        expect(ring.compacted).toBe(true);
        expect(ring.sum(0, 2000)).toBe(3 * (10 + r));
      }
    }
    for (let r = 0; r < 8; r++) {
      const ring = new BucketRing(size);
      ring.add(7000, 5);
      expect(ring.sum(7000 - size + 1, 7000)).toBe(5);
      for (let k = 7000 - size + 1; k < 7000; k++) expect(ring.get(k)).toBe(0);
    }
  });
});
