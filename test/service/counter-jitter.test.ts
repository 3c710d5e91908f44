import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/core/ledger/index.js';
import type { SeriesDescriptor, SeriesSamples } from '../../src/core/types.js';
import { CounterJitterFilter } from '../../src/service/counter-jitter.js';

const ORIGIN = 1_767_225_600; // 2026-01-01T00:00:00Z

function series(key: string, samples: [number, number][], kind: 'counter' | 'gauge' = 'counter'): SeriesSamples {
  const descriptor: SeriesDescriptor = {
    key,
    schema: 'v0.4-v0.9',
    scope: 'namespace',
    kind,
    toJoules: 1,
    ...(kind === 'gauge' ? { samplePeriodSeconds: 3 } : {}),
    group: [key.split('/')[0]!],
    node: 'n1',
    component: 'package',
  };
  return { descriptor, timestamps: samples.map(([t]) => t), values: samples.map(([, v]) => v) };
}

const ledger = (): Ledger => new Ledger({ origin: ORIGIN, windows: [{ label: '1h', seconds: 3600 }] });
const joules = (l: Ledger): [string | undefined, number][] => l.totals('namespace').map((g) => [g.labels[0], g.joules]);

// One value read back in two ways, one ulp apart (VictoriaMetrics returned 12023.9138387 and
// 12023.913838700002 for one stored sample).
const HIGH = 240.91383870000004;
const LOW = 240.9138387;

describe('CounterJitterFilter', () => {
  it('keeps a counter that a backend reads back a few ulps lower from being counted again as a reset', () => {
    // After a Kepler restart the counter is small: without the filter the false reset is plausible and
    // the ledger counts the whole value again (the live VictoriaMetrics overcount).
    const t = ORIGIN + 60;
    const batch = [series('ml/a', [[t, 0], [t + 1, 200], [t + 2, HIGH], [t + 3, LOW], [t + 4, 260]])];
    const unfiltered = ledger();
    expect(unfiltered.ingest(batch).resets).toBe(1);
    expect(joules(unfiltered)[0]![1]).toBeGreaterThan(260 + 200);

    const filtered = ledger();
    const result = filtered.ingest(new CounterJitterFilter().apply(batch));
    expect(result.resets).toBe(0);
    expect(joules(filtered)[0]![1]).toBeCloseTo(260, 6);
  });

  it('removes the noise across batches and leaves re-read samples and real resets alone', () => {
    const filter = new CounterJitterFilter();
    const l = ledger();
    const t = ORIGIN + 60;
    l.ingest(filter.apply([series('ml/a', [[t, 100], [t + 1, HIGH]])]));
    // The overlap re-reads t + 1 (now returned lower); t + 2 is the jittered reading of the same value.
    const second = filter.apply([series('ml/a', [[t + 1, LOW], [t + 2, LOW], [t + 3, 10]])]);
    expect(Array.from(second[0]!.values)).toEqual([LOW, HIGH, 10]);
    const result = l.ingest(second);
    // The drop to 10 is a real reset: counted from 0.
    expect(result.resets).toBe(1);
    // A series first seen after the origin counts from 0: 100, then HIGH − 100, then 10 after the reset.
    expect(joules(l)[0]![1]).toBeCloseTo(HIGH + 10, 6);
  });

  it('passes gauges, staleness markers and unchanged batches through as they are', () => {
    const filter = new CounterJitterFilter();
    const t = ORIGIN + 60;
    const counter = series('ml/a', [[t, HIGH], [t + 1, Number.NaN], [t + 2, HIGH + 1]]);
    const gauge = series('ml/g', [[t, 5], [t + 3, 4.999999999999]], 'gauge');
    const out = filter.apply([counter, gauge]);
    expect(out[0]).toBe(counter);
    expect(out[1]).toBe(gauge);
  });
});
