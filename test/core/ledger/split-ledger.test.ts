import { describe, expect, it } from 'vitest';
import { buildSnapshot, Ledger } from '../../../src/core/ledger/index.js';
import type { SeriesDescriptor, SeriesSamples } from '../../../src/core/types.js';
import { SplitLedger } from '../../../src/core/ledger/split-ledger.js';

const O = 360_000;
const LABELS = { namespaceLabels: ['namespace'], nodeLabels: ['node'] };
const SPLIT_LABELS = { namespaceLabels: ['namespace', 'node'], nodeLabels: ['node'] };
const options = { origin: O, windows: [{ label: '5m', seconds: 300 }] };

function series(key: string, scope: 'namespace' | 'node', group: string[], node: string, watts: number, from: number, to: number): SeriesSamples {
  const d: SeriesDescriptor = { key, schema: 'v0.10+', scope, kind: 'counter', toJoules: 1, group, node, component: 'package' };
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let t = from; t <= to; t += 15) {
    timestamps.push(t);
    values.push(watts * (t - O + 15));
  }
  return { descriptor: d, timestamps, values };
}

const batch = (from: number, to: number) => [
  series('n1', 'node', ['n1'], 'n1', 100, from, to),
  series('a@n1', 'namespace', ['a'], 'n1', 30, from, to),
  series('a@n2', 'namespace', ['a'], 'n2', 20, from, to),
];

describe('SplitLedger', () => {
  it('accounts exactly like a plain ledger and books namespaces per node into the split ledger', () => {
    const plain = new Ledger(options);
    const tee = new SplitLedger(options, new Ledger(options), SPLIT_LABELS);
    for (const b of [batch(O - 15, O + 600), batch(O + 300, O + 1200)]) {
      plain.ingest(b);
      tee.ingest(b);
    }
    expect(buildSnapshot(tee, LABELS)).toEqual(buildSnapshot(plain, LABELS));
    expect(tee.splitSnapshot.namespaces.map((g) => g.labels)).toEqual([['a', 'n1'], ['a', 'n2']]);
    expect(tee.splitSnapshot.namespaces[0]!.windows['5m']).toBeCloseTo((30 * 300) / 3600, 9);
    expect(tee.splitSnapshot.watermark).toBe(tee.watermark);
  });

  it('keeps the split snapshot of the previous batch until a batch is fully ingested (never mid-batch)', () => {
    const tee = new SplitLedger(options, new Ledger(options), SPLIT_LABELS);
    tee.ingest(batch(O - 15, O + 600));
    const before = tee.splitSnapshot;
    const steps = tee.ingestSteps(batch(O + 615, O + 1200), 1);
    let turns = 0;
    while (steps.next().done !== true) {
      turns++;
      expect(tee.splitSnapshot).toBe(before);
    }
    expect(turns).toBeGreaterThanOrEqual(4);
    expect(tee.splitSnapshot).not.toBe(before);
    expect(tee.splitSnapshot.watermark).toBe(O + 1200);
  });
});
