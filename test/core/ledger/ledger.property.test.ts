import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSnapshot, Ledger, type LedgerOptions } from '../../../src/core/ledger/index.js';
import type { Scope, SeriesSamples } from '../../../src/core/types.js';
import { descriptor } from './helpers.js';
import { expectedMicroJoules, type GeneratedSeries } from './model.js';

const O = 360_000;
const WINDOWS = [
  { label: '5m', seconds: 300 },
  { label: '1h', seconds: 3600 },
  { label: '24h', seconds: 86_400 },
];
const LABELS = { namespaceLabels: ['namespace'], nodeLabels: ['node'] };
const SCOPES: Scope[] = ['namespace', 'node'];
const FAR = 3600 * 1_000_000;
/** Runs per property; raise it locally (e.g. `LEDGER_PROPERTY_RUNS=20000`) for a deeper search. */
const RUNS = Number(process.env.LEDGER_PROPERTY_RUNS ?? 300);

type Step = { dtMs: number; kind: 'inc' | 'reset' | 'spike' | 'bad'; amount: number };

const stepArb: fc.Arbitrary<Step> = fc.record({
  dtMs: fc.oneof(fc.integer({ min: 1000, max: 120_000 }), fc.integer({ min: 1000, max: 1_500_000 })),
  kind: fc.constantFrom<Step['kind']>('inc', 'inc', 'inc', 'inc', 'inc', 'inc', 'reset', 'spike', 'bad'),
  amount: fc.integer({ min: 0, max: 3_000_000 }),
});

const seriesArb = (index: number): fc.Arbitrary<GeneratedSeries> =>
  fc
    .record({
      gaugeKind: fc.boolean(),
      millijoules: fc.boolean(),
      processSum: fc.boolean(),
      watts: fc.array(fc.oneof(fc.constant(NaN), fc.integer({ min: 0, max: 400 })), { minLength: 30, maxLength: 30 }),
      scope: fc.constantFrom<Scope>('namespace', 'node'),
      group: fc.constantFrom('a', 'b', 'c'),
      startMs: fc.integer({ min: -900_000, max: 4_000_000 }),
      steps: fc.array(stepArb, { minLength: 1, maxLength: 30 }),
    })
    .map(({ gaugeKind, millijoules, processSum, watts, scope, group, startMs, steps }) => {
      // A pod GPU counter (a sum over processes) with its power read alongside.
      const gpu = processSum && !gaugeKind && scope === 'namespace';
      const d = descriptor(`s${index}`, {
        scope,
        group: [group],
        kind: gaugeKind ? 'gauge' : 'counter',
        toJoules: gaugeKind || millijoules ? 0.001 : 1,
        ...(gaugeKind ? { schema: 'v0.3' as const, samplePeriodSeconds: 3 } : {}),
        ...(gpu ? { component: 'gpu' as const, dropsOnProcessExit: true } : {}),
      });
      const times: number[] = [];
      const values: number[] = [];
      let ms = O * 1000 + startMs;
      let counter = 0;
      for (const step of steps) {
        ms += step.dtMs;
        times.push(ms / 1000);
        const raw = step.amount / 1000;
        if (step.kind === 'bad') values.push(step.amount % 2 === 0 ? NaN : -1);
        else if (gaugeKind) values.push(step.kind === 'spike' ? 1e12 : raw * 10);
        else if (step.kind === 'reset') values.push((counter = Math.min(counter, raw) / 2));
        else if (step.kind === 'spike') values.push((counter += 1e12));
        else values.push((counter += gaugeKind || millijoules ? raw * 1000 : raw));
      }
      return { descriptor: d, times, values, ...(gpu ? { power: watts.slice(0, times.length) } : {}) };
    });

const streamArb = fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => seriesArb(i))));

const optionsArb = fc.record({
  seriesTtlSeconds: fc.constantFrom(600, 172_800),
  maxSeriesPowerWatts: fc.constantFrom(5000, 50),
});

function toSamples(s: GeneratedSeries, from = -Infinity, to = Infinity): SeriesSamples {
  const idx = s.times.flatMap((t, i) => (t >= from && t <= to ? [i] : []));
  const power = s.power;
  return {
    descriptor: s.descriptor,
    timestamps: idx.map((i) => s.times[i]!),
    values: idx.map((i) => s.values[i]!),
    ...(power === undefined ? {} : { power: idx.map((i) => power[i]!) }),
  };
}

function ledgerFor(o: { seriesTtlSeconds: number; maxSeriesPowerWatts: number; shortRetention?: boolean }): Ledger {
  // Short retention (1 h, 2 h of fine buckets) makes streams of many hours evict rings and hours.
  const { shortRetention, ...rest } = o;
  const options: LedgerOptions = shortRetention
    ? { origin: O, windows: WINDOWS.slice(0, 2), retentionSeconds: 3600, ...rest }
    : { origin: O, windows: WINDOWS, ...rest };
  return new Ledger(options);
}

/** Everything observable about a ledger, for bit-identical comparison. */
function observe(l: Ledger): unknown {
  const windows = l.options.windows;
  return {
    snapshot: buildSnapshot(l, LABELS),
    watermark: l.watermark,
    ...Object.fromEntries(
      SCOPES.map((scope) => [
        scope,
        {
          totals: l.totals(scope),
          hours: l.hours(scope, 0, FAR),
          windows: windows.map((w) => l.window(scope, w.seconds)),
        },
      ]),
    ),
  };
}

function sumHoursMicro(l: Ledger): number {
  let micro = 0;
  for (const scope of SCOPES) for (const row of l.hours(scope, 0, FAR)) micro += Math.round(row.joules * 1e6);
  return micro;
}

describe('ledger properties', () => {
  it('hours add up exactly to the sum of the accepted deltas', () => {
    fc.assert(
      fc.property(streamArb, optionsArb, (stream, o) => {
        const l = ledgerFor(o);
        l.ingest(stream.map((s) => toSamples(s)));
        const expected = expectedMicroJoules(stream, {
          origin: O,
          maxWatts: o.maxSeriesPowerWatts,
          graceSeconds: 300,
          ttlSeconds: o.seriesTtlSeconds,
        });
        expect(sumHoursMicro(l)).toBe(expected.micro);
        let totals = 0;
        for (const scope of SCOPES) for (const g of l.totals(scope)) totals += Math.round(g.joules * 1e6);
        expect(totals).toBe(expected.micro);
        expect(l.stats().resets).toBe(expected.resets);
        const causes = l.stats().resetsByCause!;
        expect(causes.kepler_restart + causes.series_restart + causes.gpu_process_exit).toBeLessThanOrEqual(expected.resets);
      }),
      { numRuns: RUNS },
    );
  });

  it('gives an identical ledger for any split into overlapping, repeated batches in any series order', () => {
    const splitArb = fc.record({
      cuts: fc.array(fc.integer({ min: -900, max: 50_000 }), { maxLength: 8 }),
      overlaps: fc.array(fc.oneof(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 3000 })), { minLength: 9, maxLength: 9 }),
      repeats: fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }),
      orderSeeds: fc.array(fc.integer(), { minLength: 50, maxLength: 50 }),
    });
    fc.assert(
      fc.property(streamArb, optionsArb, fc.boolean(), splitArb, (stream, options, shortRetention, split) => {
        const o = { ...options, shortRetention };
        const whole = ledgerFor(o);
        whole.ingest(stream.map((s) => toSamples(s)));

        const batched = ledgerFor(o);
        const ends = [...new Set(split.cuts.map((c) => O + c))].sort((a, b) => a - b);
        ends.push(Infinity);
        let previousEnd = -Infinity;
        ends.forEach((end, j) => {
          const from = previousEnd - split.overlaps[j]!;
          const seeds = split.orderSeeds.slice(j * 5);
          const order = stream.map((s, i) => ({ s, seed: seeds[i % seeds.length] ?? i })).sort((a, b) => a.seed - b.seed);
          const batch = order.map(({ s }) => toSamples(s, from, end));
          batched.ingest(batch);
          if (split.repeats[j]) batched.ingest([...batch].reverse());
          previousEnd = end;
        });

        expect(observe(batched)).toEqual(observe(whole));
        expect(batched.stats()).toEqual(whole.stats());
      }),
      { numRuns: RUNS },
    );
  });

  it('gives a trailing hour equal to the clock hour when the watermark is on the hour, however batched', () => {
    const batchArb = fc.record({ cuts: fc.array(fc.integer({ min: 0, max: 50_000 }), { maxLength: 10 }), shortRetention: fc.boolean() });
    fc.assert(
      fc.property(streamArb, optionsArb, batchArb, (stream, options, { cuts, shortRetention }) => {
        const l = ledgerFor({ ...options, shortRetention });
        // A steady clock series pins the watermark to the first hour boundary after every sample.
        const last = Math.max(...stream.flatMap((s) => s.times));
        const end = Math.ceil(last / 3600 + 1e-9) * 3600;
        const clock: GeneratedSeries = { descriptor: descriptor('clock', { group: ['clock'] }), times: [end], values: [0] };
        const all = [...stream, clock];
        let from = -Infinity;
        for (const cut of [...cuts.map((c) => O + c).sort((a, b) => a - b), Infinity]) {
          l.ingest(all.map((s) => toSamples(s, from, cut)));
          from = cut;
        }
        expect(l.watermark).toBe(end);
        for (const scope of SCOPES) {
          expect(l.window(scope, 3600)).toEqual(l.hourEnergy(scope, end - 3600));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('counts resets and first-seen series as specified', () => {
    const counterArb = fc.record({
      firstAfterOrigin: fc.boolean(),
      startS: fc.integer({ min: 1, max: 7200 }),
      first: fc.integer({ min: 0, max: 1_000_000 }),
      steps: fc.array(
        fc.record({ dt: fc.integer({ min: 1, max: 600 }), reset: fc.boolean(), amount: fc.integer({ min: 0, max: 1_000_000 }) }),
        { maxLength: 40 },
      ),
    });
    fc.assert(
      fc.property(counterArb, ({ firstAfterOrigin, startS, first, steps }) => {
        // Millijoule counter; the first sample is either a baseline exactly at the origin or new after it.
        let t = firstAfterOrigin ? O + startS : O;
        const times = [t];
        const values = [first];
        let resets = 0;
        let expectedMilli = firstAfterOrigin ? 0 : -first;
        for (const step of steps) {
          const previous = values[values.length - 1]!;
          t += step.dt;
          let v = previous + step.amount;
          if (step.reset && previous > 0) {
            v = step.amount % previous;
            resets++;
            expectedMilli += previous;
          }
          times.push(t);
          values.push(v);
        }
        expectedMilli += values[values.length - 1]!;
        const l = new Ledger({ origin: O, windows: WINDOWS, maxSeriesPowerWatts: 1e9 });
        const d = descriptor('c', { toJoules: 0.001 });
        l.ingest([{ descriptor: d, timestamps: times, values }]);
        expect(l.stats().resets).toBe(resets);
        expect(sumHoursMicro(l)).toBe(expectedMilli * 1000);
        expect(Math.round(l.totals('namespace')[0]!.joules * 1e6)).toBe(expectedMilli * 1000);
      }),
      { numRuns: RUNS },
    );
  });
});
