import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CounterBases, rollOver } from '../../../src/core/ledger/index.js';
import { groupKeyOf } from '../../../src/core/schema/key-codec.js';

/** Ten-day "months": day d is in the month starting at d − d % 10. */
const monthOf = (day: number): number => day - (day % 10);

/**
 * A running process as the snapshot drives the bases: each step books energy into today, moves to the
 * next day booking a last part of the day before (the samples straddling midnight, read after it), or
 * books late energy into yesterday (a node read late).
 */
const step = fc.oneof(
  fc.record({ kind: fc.constant('energy' as const), microJoules: fc.nat(5_000_000) }),
  fc.record({ kind: fc.constant('next_day' as const), lateMicroJoules: fc.nat(5_000_000) }),
  fc.record({ kind: fc.constant('yesterday' as const), microJoules: fc.nat(5_000_000) }),
);

describe('counter bases (property)', () => {
  it('equal the published base plus every joule booked since, never decreasing, across any number of month starts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 109 }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        fc.nat(1_000_000_000),
        fc.array(step, { minLength: 1, maxLength: 80 }),
        (firstDay, before, publishedMtdMicro, steps) => {
          // The published scrape: counter = an earlier base + its month to date, which the ledger holds too.
          const mtd = publishedMtdMicro / 1e6;
          const counter = before + mtd;
          const key = groupKeyOf(['shop']);
          const bases = new CounterBases();
          bases.start({ month: monthOf(firstDay), groups: [{ scope: 'namespace', labels: ['shop'], counterJoules: counter, monthToDateJoules: mtd }] });
          const days = new Map<number, number>([[firstDay, publishedMtdMicro]]);
          let today = firstDay;
          let booked = 0;
          let previous = -Infinity;
          // The first snapshot with counters is of the scrape's month (the restore completes before midnight; the
          // energy of a process that first counts after it, between the scrape and midnight, is not carried).
          for (const s of [{ kind: 'energy' as const, microJoules: 0 }, ...steps]) {
            const micro = s.kind === 'next_day' ? s.lateMicroJoules : s.microJoules;
            // Late energy of yesterday, from the first day on (before it, the published counter holds it).
            const day = s.kind === 'yesterday' ? today - 1 : today;
            if (day < firstDay) continue;
            days.set(day, (days.get(day) ?? 0) + micro);
            booked += micro;
            if (s.kind === 'next_day') today++;
            const at = { month: monthOf(today), today };
            let monthMicro = 0;
            for (let d = at.month; d <= today; d++) monthMicro += days.get(d) ?? 0;
            expect(bases.advance('namespace', at, () => days.get(today - 1) ?? 0)).toBe(true);
            bases.noteMonth('namespace', key, ['shop'], at, { monthMicroJoules: monthMicro, todayMicroJoules: days.get(today) ?? 0 });
            const value = bases.base('namespace', key) + monthMicro / 1e6;
            expect(value).toBeGreaterThanOrEqual(previous - 1e-9 * Math.max(1, Math.abs(previous)));
            previous = value;
          }
          // The base is read back to whole µJ.
          expect(Math.abs(previous - (counter + booked / 1e6))).toBeLessThanOrEqual(1e-6 + 1e-9 * (counter + booked / 1e6));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never lowers a base at a rollover and drops only groups with no energy in the month that ended', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.record({ base: fc.double({ min: 0, max: 1e12, noNaN: true }), final: fc.double({ min: 0, max: 1e9, noNaN: true }) })), (groups) => {
        const entries = new Map(Object.entries(groups));
        const next = rollOver(entries, (key) => groups[key]!.final);
        for (const [key, g] of entries) {
          if (g.final === 0) expect(next.has(key)).toBe(false);
          else {
            expect(next.get(key)!).toBeGreaterThanOrEqual(g.base);
            expect(next.get(key)!).toBe(g.base + g.final);
          }
        }
      }),
    );
  });
});
