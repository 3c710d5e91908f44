import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSnapshot, Ledger, OVERFLOW_LABEL_VALUE } from '../../src/core/ledger/index.js';
import type { SeriesDescriptor, SeriesSamples } from '../../src/core/types.js';

const ORIGIN = 1_700_000_000 - (1_700_000_000 % 3600);
const WINDOWS = [{ label: '1h', seconds: 3600 }];
const LABELS = { namespaceLabels: ['namespace'], nodeLabels: ['node'] };

function pod(namespace: string, pod: string): SeriesDescriptor {
  return { key: `${namespace}/${pod}`, schema: 'v0.10+', scope: 'namespace', kind: 'counter', toJoules: 1, group: [namespace], node: 'n1', component: 'package' };
}

/** A counter of 1 J per second from `from` (value 0, a baseline before the origin) every 30 s until `to`. */
function counter(d: SeriesDescriptor, from: number, to: number): SeriesSamples {
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let t = from; t <= to; t += 30) {
    timestamps.push(t);
    values.push(t - from);
  }
  return { descriptor: d, timestamps, values };
}

const joulesByNamespace = (ledger: Ledger) => Object.fromEntries(ledger.totals('namespace').map((g) => [g.labels[0], g.joules]));

describe('max_namespaces caps the namespace groups', () => {
  it('gives the first N namespaces by first sample time their own group and sums the rest into __other__', () => {
    const ledger = new Ledger({ origin: ORIGIN, windows: WINDOWS, maxNamespaces: 2 });
    // Namespaces start 0, 60, 120 and 180 s after the origin; c and d come after the cap is full.
    const batch = ['d', 'b', 'c', 'a'].map((ns) => counter(pod(ns, 'p'), ORIGIN + 60 * (ns.charCodeAt(0) - 97), ORIGIN + 1800));
    ledger.ingest(batch);
    const totals = joulesByNamespace(ledger);
    expect(Object.keys(totals).sort()).toEqual([OVERFLOW_LABEL_VALUE, 'a', 'b']);
    // Every series counts 1 J/s from its first sample (a new series' first value counts, here 0).
    expect(totals.a).toBe(1800);
    expect(totals.b).toBe(1740);
    expect(totals[OVERFLOW_LABEL_VALUE]).toBe(1680 + 1620);
    expect(ledger.overflowSeries).toBe(2);
  });

  it('admits the same namespaces whatever the order of the series in a response', () => {
    const series = Array.from({ length: 12 }, (_, i) => counter(pod(`ns-${i % 6}`, `p${i}`), ORIGIN + 17 * ((i * 7) % 12), ORIGIN + 900));
    fc.assert(
      fc.property(fc.shuffledSubarray(series, { minLength: series.length, maxLength: series.length }), (shuffled) => {
        const a = new Ledger({ origin: ORIGIN, windows: WINDOWS, maxNamespaces: 3 });
        const b = new Ledger({ origin: ORIGIN, windows: WINDOWS, maxNamespaces: 3 });
        a.ingest(series);
        b.ingest(shuffled);
        expect(buildSnapshot(b, LABELS)).toEqual(buildSnapshot(a, LABELS));
      }),
      { numRuns: 50 },
    );
  });

  it('keeps the energy: the groups under a cap add up to the uncapped total', () => {
    const series = Array.from({ length: 40 }, (_, i) => counter(pod(`ns-${i}`, 'p'), ORIGIN + i, ORIGIN + 1200));
    const capped = new Ledger({ origin: ORIGIN, windows: WINDOWS, maxNamespaces: 5 });
    const free = new Ledger({ origin: ORIGIN, windows: WINDOWS });
    capped.ingest(series);
    free.ingest(series);
    const sum = (l: Ledger) => l.totals('namespace').reduce((n, g) => n + g.joules, 0);
    expect(sum(capped)).toBe(sum(free));
    expect(capped.groups('namespace')).toHaveLength(6);
    expect(free.groups('namespace')).toHaveLength(40);
  });

  it('holds at most cap + 1 namespace groups under a label explosion of 20,000 namespaces', () => {
    const ledger = new Ledger({ origin: ORIGIN, windows: WINDOWS, maxNamespaces: 50 });
    for (let poll = 0; poll < 20; poll++) {
      const t = ORIGIN + 60 * (poll + 1);
      const batch = Array.from({ length: 1000 }, (_, i) => counter(pod(`burst-${poll}-${i}`, 'p'), t - 30, t));
      ledger.ingest(batch);
      expect(ledger.groups('namespace').length).toBeLessThanOrEqual(51);
    }
    expect(ledger.overflowSeries).toBe(20_000 - 50);
    const snapshot = buildSnapshot(ledger, LABELS);
    expect(snapshot.namespaces.map((g) => g.labels[0])).toContain(OVERFLOW_LABEL_VALUE);
  });

  it('frees the slot of a namespace that has left (series dropped, buckets empty) for a new one', () => {
    // Retention 1 h: series silent for more than 1 h are dropped, rings emptied soon after.
    const ledger = new Ledger({ origin: ORIGIN, windows: WINDOWS, retentionSeconds: 3600, maxNamespaces: 1 });
    ledger.ingest([counter(pod('early', 'p'), ORIGIN, ORIGIN + 600)]);
    ledger.ingest([counter(pod('late', 'p'), ORIGIN + 630, ORIGIN + 1200)]);
    expect(Object.keys(joulesByNamespace(ledger)).sort()).toEqual([OVERFLOW_LABEL_VALUE, 'early']);
    // Three hours later the early namespace and the late one have both been silent far longer than the TTL.
    ledger.ingest([counter(pod('keepalive', 'p'), ORIGIN + 3 * 3600, ORIGIN + 3 * 3600 + 60)]);
    ledger.ingest([counter(pod('newcomer', 'p'), ORIGIN + 3 * 3600 + 90, ORIGIN + 4 * 3600)]);
    // keepalive arrived while early still held the slot; early was freed at the end of that batch.
    expect(ledger.groups('namespace').map((g) => g[0])).toEqual([OVERFLOW_LABEL_VALUE, 'newcomer']);
  });

  it('sets every group label of the overflow group to __other__ when grouping by more labels', () => {
    const ledger = new Ledger({ origin: ORIGIN, windows: WINDOWS, maxNamespaces: 1 });
    const d = (cluster: string, ns: string): SeriesDescriptor => ({ ...pod(ns, cluster), group: [cluster, ns] });
    ledger.ingest([counter(d('eu', 'a'), ORIGIN, ORIGIN + 300), counter(d('us', 'b'), ORIGIN + 30, ORIGIN + 300)]);
    expect(ledger.groups('namespace')).toEqual([
      [OVERFLOW_LABEL_VALUE, OVERFLOW_LABEL_VALUE],
      ['eu', 'a'],
    ]);
  });

  it('rejects a cap that is not a positive integer', () => {
    expect(() => new Ledger({ origin: ORIGIN, windows: WINDOWS, maxNamespaces: 0 })).toThrow('maxNamespaces must be a positive integer, got 0');
  });
});

describe('namespace churn without a cap', () => {
  it('forgets namespaces silent for longer than the retention, so groups stay bounded', () => {
    const ledger = new Ledger({ origin: ORIGIN, windows: WINDOWS, retentionSeconds: 3600 });
    let most = 0;
    // A new namespace every 10 minutes, each living 20 minutes, for 30 hours.
    for (let k = 0; k < 180; k++) {
      const t = ORIGIN + 600 * k;
      ledger.ingest([counter(pod(`job-${k}`, 'p'), t, t + 1200)]);
      most = Math.max(most, ledger.groups('namespace').length);
    }
    expect(most).toBeLessThan(20);
    expect(ledger.groups('namespace').length).toBeLessThan(20);
    // The live namespaces keep their exact energy.
    expect(joulesByNamespace(ledger)['job-179']).toBe(1200);
  });
});
