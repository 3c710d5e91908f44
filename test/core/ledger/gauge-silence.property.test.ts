import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/core/ledger/index.js';
import type { SeriesDescriptor, SeriesSamples } from '../../../src/core/types.js';
import { gauge } from './helpers.js';

const O = 360_000;
const PERIOD = 3;
const RUNS = Number(process.env.LEDGER_PROPERTY_RUNS ?? 200);

/** A node scraped every `intervalMs` from `phaseMs` after the origin (at least a sample period, so nothing falls before it); one steady pod and one that comes and goes. */
interface Silences {
  readonly intervalMs: number;
  readonly phaseMs: number;
  /** Per scrape: whether the intermittent pod is in it, and its value (mJ per 3 s). */
  readonly scrapes: readonly { readonly present: boolean; readonly value: number }[];
  /** The intermittent pod's series comes from a second cluster's node of the same name (group_by [cluster, namespace]). */
  readonly otherClusterNode: boolean;
}

const silencesArb: fc.Arbitrary<Silences> = fc.record({
  intervalMs: fc.integer({ min: 1000, max: 120_000 }),
  phaseMs: fc.integer({ min: PERIOD * 1000, max: 60_000 }),
  scrapes: fc.array(
    fc.record({
      // Long runs of absence are the silences: a pod missing from scrapes, or gone and back under its name.
      present: fc.oneof(fc.boolean(), fc.constant(false), fc.constant(true)),
      value: fc.integer({ min: 0, max: 5_000_000 }),
    }),
    { minLength: 2, maxLength: 200 },
  ),
  otherClusterNode: fc.boolean(),
});

interface Stream {
  readonly steady: SeriesSamples;
  readonly pod: SeriesSamples;
  /** Scrape times of the node the pod's series belongs to. */
  readonly nodeScrapes: readonly number[];
}

function stream(s: Silences): Stream {
  const times = s.scrapes.map((_, i) => (O * 1000 + s.phaseMs + i * s.intervalMs) / 1000);
  const steady = { descriptor: gauge('steady', PERIOD, { group: ['a', 'steady'], nodeKey: 'a\u0001node-1' }), timestamps: times, values: times.map(() => 3000) };
  const kept = s.scrapes.flatMap((x, i) => (x.present ? [i] : []));
  const podNode: Partial<SeriesDescriptor> = s.otherClusterNode ? { nodeKey: 'b\u0001node-1' } : { nodeKey: 'a\u0001node-1' };
  const pod = {
    descriptor: gauge('pod', PERIOD, { group: [s.otherClusterNode ? 'b' : 'a', 'pod'], ...podNode }),
    timestamps: kept.map((i) => times[i]!),
    values: kept.map((i) => s.scrapes[i]!.value),
  };
  // In another cluster the pod's node is scraped only when the pod is (it is the node's only series).
  return { steady, pod, nodeScrapes: s.otherClusterNode ? pod.timestamps : times };
}

/** µJ the pod's samples stand for: each over the interval since its node's previous scrape (one period for the node's first). */
function expectedMicro(st: Stream): number {
  let micro = 0;
  const { timestamps, values } = st.pod;
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i]!;
    const previous = Math.max(-Infinity, ...st.nodeScrapes.filter((x) => x < t));
    const span = previous === -Infinity ? PERIOD : t - previous;
    micro += Math.round(values[i]! * 0.001 * (span / PERIOD) * 1e6);
  }
  return micro;
}

const podMicro = (l: Ledger): number => Math.round((l.totals('namespace').find((g) => g.labels[1] === 'pod')?.joules ?? 0) * 1e6);

function slice(s: SeriesSamples, from: number, to: number): SeriesSamples {
  const idx = Array.from(s.timestamps, (t, i) => (t > from && t <= to ? i : -1)).filter((i) => i >= 0);
  return { descriptor: s.descriptor, timestamps: idx.map((i) => s.timestamps[i]!), values: idx.map((i) => s.values[i]!) };
}

describe('v0.3 gauge samples after a silence of their series (issue 13)', () => {
  it('stand for the interval since the node previous scrape, never for the silence: at most value × scrape interval each', () => {
    fc.assert(
      fc.property(silencesArb, (s) => {
        const st = stream(s);
        const l = new Ledger({ origin: O, windows: [{ label: '1h', seconds: 3600 }], maxSeriesPowerWatts: 1e9 });
        l.ingest([st.pod, st.steady]);
        expect(podMicro(l)).toBe(expectedMicro(st));
        if (!s.otherClusterNode) {
          // Bound: every sample books at most its value over one scrape interval of its node (one sample
          // period at the node's first scrape, which has no previous one).
          const first = st.nodeScrapes[0];
          const bound = Array.from(st.pod.values).reduce((sum, v, i) => {
            const span = st.pod.timestamps[i] === first ? PERIOD : s.intervalMs / 1000;
            return sum + v * 0.001 * (span / PERIOD);
          }, 0);
          expect(podMicro(l) / 1e6).toBeLessThanOrEqual(bound * (1 + 1e-9) + st.pod.values.length * 1e-6);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('give an identical ledger for any split into overlapping batches in any series order', () => {
    const splitArb = fc.record({
      cuts: fc.array(fc.integer({ min: 0, max: 24_000 }), { maxLength: 6 }),
      overlaps: fc.array(fc.integer({ min: 0, max: 600 }), { minLength: 7, maxLength: 7 }),
      podFirst: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
    });
    fc.assert(
      fc.property(silencesArb, splitArb, (s, split) => {
        const st = stream(s);
        const options = { origin: O, windows: [{ label: '1h', seconds: 3600 }], maxSeriesPowerWatts: 1e9 };
        const whole = new Ledger(options);
        whole.ingest([st.steady, st.pod]);
        const batched = new Ledger(options);
        const ends = [...new Set(split.cuts.map((c) => O + c))].sort((a, b) => a - b);
        ends.push(Infinity);
        let previousEnd = -Infinity;
        ends.forEach((end, j) => {
          const from = previousEnd - split.overlaps[j]!;
          const batch = [slice(st.steady, from, end), slice(st.pod, from, end)];
          batched.ingest(split.podFirst[j] ? batch.reverse() : batch);
          previousEnd = end;
        });
        expect(batched.hours('namespace', 0, 2 * O)).toEqual(whole.hours('namespace', 0, 2 * O));
        expect(batched.totals('namespace')).toEqual(whole.totals('namespace'));
        expect(podMicro(batched)).toBe(expectedMicro(st));
      }),
      { numRuns: RUNS },
    );
  });
});
