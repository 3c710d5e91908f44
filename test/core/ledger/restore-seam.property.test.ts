import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSnapshot, Ledger, type LedgerCalendar, RestoredHours } from '../../../src/core/ledger/index.js';
import type { Scope, SeriesSamples } from '../../../src/core/types.js';
import { descriptor } from './helpers.js';

/** Restore start R, the live ledger's origin O (3 h later) and Prometheus' lookback, as the service uses them. */
const R = 3600 * 24 * 200;
const O = R + 3 * 3600;
const LOOKBACK = 300;
const WINDOWS = [{ label: '5m', seconds: 300 }];
const LABELS = { namespaceLabels: ['namespace'], nodeLabels: ['node'] };
const SCOPES: Scope[] = ['namespace', 'node'];
const RUNS = Number(process.env.LEDGER_PROPERTY_RUNS ?? 200);
/** A UTC calendar with 2-hour "days" and 3-day "months", so a few hours of data cross days and a month. */
const CALENDAR: LedgerCalendar = { dayOf: (h) => Math.floor(h / 7200), monthStartOf: (d) => d - (d % 3) };

interface Series {
  readonly key: string;
  readonly scope: Scope;
  readonly group: string;
  readonly times: number[];
  readonly values: number[];
}

// Scrapes at most one lookback apart (what Prometheus' lookback lets the live read find before its origin).
const seriesArb = (i: number): fc.Arbitrary<Series> =>
  fc
    .record({
      scope: fc.constantFrom<Scope>('namespace', 'node'),
      group: fc.constantFrom('a', 'b', 'c'),
      startS: fc.integer({ min: -LOOKBACK, max: 6 * 3600 }),
      first: fc.integer({ min: 0, max: 300_000 }),
      steps: fc.array(fc.record({ dt: fc.integer({ min: 1, max: LOOKBACK }), reset: fc.boolean(), joules: fc.integer({ min: 0, max: 200_000 }) }), {
        minLength: 1,
        maxLength: 60,
      }),
    })
    .map(({ scope, group, startS, first, steps }) => {
      const times = [R + startS];
      const values = [first / 1000];
      for (const step of steps) {
        times.push(times[times.length - 1]! + step.dt + 0.001 * (step.joules % 7));
        const before = values[values.length - 1]!;
        values.push(step.reset && step.joules % 5 === 0 ? step.joules / 1000 : before + step.joules / 1000);
      }
      return { key: `s${i}`, scope, group, times, values };
    });

/** A node-level series of zeros to the end, so both ledgers end at the same watermark. */
const CLOCK: Series = {
  key: 'clock',
  scope: 'node',
  group: 'node-1',
  times: Array.from({ length: 8 * 12 + 2 }, (_, i) => R - LOOKBACK + 1 + i * LOOKBACK),
  values: Array.from({ length: 8 * 12 + 2 }, () => 0),
};

const streamArb = fc
  .integer({ min: 1, max: 5 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => seriesArb(i))))
  .map((list) => [...list, CLOCK]);

function samplesOf(s: Series, from: number, to: number): SeriesSamples {
  const idx = s.times.flatMap((t, i) => (t > from && t <= to ? [i] : []));
  return {
    descriptor: descriptor(s.key, { scope: s.scope, group: [s.group], node: 'node-1' }),
    timestamps: idx.map((i) => s.times[i]!),
    values: idx.map((i) => s.values[i]!),
  };
}

/** Reads `(from, to]` into `ledger` in batches ending at `cuts` (each re-reading `overlap` seconds). */
function readInto(ledger: Ledger, stream: readonly Series[], from: number, to: number, cuts: readonly number[], overlap: number): void {
  let start = from;
  for (const cut of [...cuts.filter((c) => c > from && c < to).sort((a, b) => a - b), to]) {
    ledger.ingest(stream.map((s) => samplesOf(s, start - overlap, cut)));
    start = cut;
  }
}

const ledger = (origin: number): Ledger => new Ledger({ origin, windows: WINDOWS, retentionSeconds: 24 * 3600, calendar: CALENDAR });

describe('restore seam', () => {
  it('restored hours before the origin plus the live ledger after it equal one ledger over the whole span, however batched', () => {
    const cutsArb = fc.array(fc.integer({ min: -LOOKBACK, max: 8 * 3600 }).map((c) => R + c), { maxLength: 6 });
    fc.assert(
      fc.property(streamArb, cutsArb, cutsArb, fc.integer({ min: 0, max: 600 }), (stream, restoreCuts, liveCuts, overlap) => {
        const whole = ledger(R);
        readInto(whole, stream, R - LOOKBACK, Infinity, [], 0);
        // The restore reads from R − lookback to O + lookback and keeps the hours before O.
        const restoring = ledger(R);
        readInto(restoring, stream, R - LOOKBACK, O + LOOKBACK, restoreCuts, overlap);
        const restored = RestoredHours.fromLedger(restoring, R, O);
        // The live ledger reads from O − lookback on, as the service's backfill and polls do.
        const live = ledger(O);
        readInto(live, stream, O - LOOKBACK, Infinity, liveCuts, overlap);

        for (const scope of SCOPES) {
          for (const row of whole.hours(scope, R, O + 24 * 3600)) {
            const key = row.labels.join('\u0001');
            const got = row.hourStart < O ? restored.hourMicroJoules(scope, key, row.hourStart) : Math.round((live.hours(scope, row.hourStart, row.hourStart + 3600).find((r) => r.labels.join('\u0001') === key)?.joules ?? 0) * 1e6);
            expect(got).toBe(Math.round(row.joules * 1e6));
          }
        }
        // The published periods and counters of live + restored are those of the whole ledger.
        const first = Math.min(...stream.map((s) => s.times[0]!));
        const a = buildSnapshot(whole, LABELS, [], { hours: new RestoredHours(R, R), firstSampleTime: first });
        const b = buildSnapshot(live, LABELS, [], { hours: restored, firstSampleTime: first });
        expect(b.watermark).toBe(a.watermark);
        expect(b.coverage).toEqual(a.coverage);
        const periods = (s: typeof a): unknown => [...s.namespaces, ...s.nodes].map((g) => ({ labels: g.labels, periods: g.periods, total: g.totalJoules }));
        expect(periods(b)).toEqual(periods(a));
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves out periods that start before the origin while the restore is not complete', () => {
    const live = ledger(O);
    // O + 30 min: the current "day" started an hour before O, the previous hour ended at O.
    live.ingest([samplesOf({ key: 'x', scope: 'namespace', group: 'a', times: [O - 60, O + 1800], values: [0, 3600] }, -Infinity, Infinity)]);
    const s = buildSnapshot(live, LABELS, [], { hours: undefined, firstSampleTime: O - 60 });
    expect(Object.keys(s.namespaces[0]!.periods)).toEqual(['current_hour']);
    expect(s.namespaces[0]!.totalJoules).toBeNaN();
    expect(s.coverage).toEqual({ current_hour: O });
    const done = buildSnapshot(live, LABELS, [], { hours: new RestoredHours(R, O), firstSampleTime: O - 60 });
    // The previous "day" ended before the first sample: no data exists for it, so it is not published.
    expect(Object.keys(done.namespaces[0]!.periods).sort()).toEqual(['current_day', 'current_hour', 'month_to_date', 'previous_hour']);
    expect(done.namespaces[0]!.totalJoules).toBeCloseTo((3600 * 1800) / 1860, 6);
    expect(done.coverage).toMatchObject({ current_hour: O, current_day: O - 60, month_to_date: O - 60 });
  });
});
