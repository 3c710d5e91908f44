import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSnapshot, Ledger } from '../../../src/core/ledger/index.js';
import {
  allocateHours,
  allocateNodeEnergy,
  allocateSnapshot,
  splitByNode,
  UNATTRIBUTED_LABEL_VALUE as U,
  type LabeledValue,
} from '../../../src/core/ledger/unattributed.js';
import type { GroupEnergy, LedgerSnapshot, SeriesDescriptor } from '../../../src/core/types.js';
import { descriptor, samples } from './helpers.js';

const LABELS = { namespaceLabels: ['namespace'], nodeLabels: ['node'] };
const v = (value: number, ...labels: string[]): LabeledValue => ({ labels, value });
const asObject = (m: Map<string, LabeledValue>) => Object.fromEntries([...m.values()].map((x) => [x.labels.join('/'), x.value]));
const sum = (xs: Iterable<LabeledValue>) => [...xs].reduce((s, x) => s + x.value, 0);

describe('allocateNodeEnergy', () => {
  it('explicit: keeps measured namespace energy and books node minus namespaces per node to __unattributed__', () => {
    const out = allocateNodeEnergy('explicit', LABELS, [v(30, 'a', 'n1'), v(10, 'b', 'n1'), v(20, 'a', 'n2')], [v(100, 'n1'), v(50, 'n2')]);
    expect(asObject(out)).toEqual({ a: 50, b: 10, [U]: 60 + 30 });
  });

  it('explicit: does not clamp a negative remainder (pods ahead of their node over a short span)', () => {
    const out = allocateNodeEnergy('explicit', LABELS, [v(12, 'a', 'n1')], [v(10, 'n1')]);
    expect(asObject(out)).toEqual({ a: 12, [U]: -2 });
  });

  it('proportional: shares each node among its own namespaces by their energy on that node', () => {
    const out = allocateNodeEnergy('proportional', LABELS, [v(30, 'a', 'n1'), v(10, 'b', 'n1'), v(20, 'a', 'n2')], [v(100, 'n1'), v(50, 'n2')]);
    // n1: a 30/40 of 100 = 75, b 25; n2: a gets all 50.
    expect(asObject(out)).toEqual({ a: 125, b: 25 });
  });

  it('proportional: scales namespaces down when they exceed their node, and leaves a node without namespace energy unattributed', () => {
    const out = allocateNodeEnergy('proportional', LABELS, [v(12, 'a', 'n1'), v(4, 'b', 'n1')], [v(8, 'n1'), v(7, 'n2')]);
    expect(asObject(out)).toEqual({ a: 6, b: 2, [U]: 7 });
  });

  it('takes shared labels of the unattributed group from the node group (group_by with cluster)', () => {
    const labels = { namespaceLabels: ['cluster', 'namespace'], nodeLabels: ['cluster', 'node'] };
    const out = allocateNodeEnergy('explicit', labels, [v(1, 'c1', 'a', 'n1'), v(2, 'c2', 'a', 'n1')], [v(5, 'c1', 'n1'), v(9, 'c2', 'n1')]);
    expect(asObject(out)).toEqual({ 'c1/a': 1, 'c2/a': 2, [`c1/${U}`]: 4, [`c2/${U}`]: 7 });
  });

  const cluster = fc
    .record({ nodes: fc.integer({ min: 1, max: 4 }), namespaces: fc.integer({ min: 1, max: 5 }) })
    .chain(({ nodes, namespaces }) =>
      fc.record({
        node: fc.array(fc.double({ min: 0, max: 1e7, noNaN: true }), { minLength: nodes, maxLength: nodes }),
        share: fc.array(fc.array(fc.option(fc.double({ min: 0, max: 1e7, noNaN: true })), { minLength: nodes, maxLength: nodes }), {
          minLength: namespaces,
          maxLength: namespaces,
        }),
      }),
    );
  const inputs = (c: { node: number[]; share: (number | null)[][] }) => ({
    perNode: c.node.map((e, i) => v(e, `n${i}`)),
    perNamespaceNode: c.share.flatMap((row, j) => row.flatMap((e, i) => (e === null ? [] : [v(e, `ns${j}`, `n${i}`)]))),
  });

  it.each(['explicit', 'proportional'] as const)('%s: namespaces plus unattributed equal the node total, per node and in all', (mode) => {
    fc.assert(
      fc.property(cluster, (c) => {
        const { perNode, perNamespaceNode } = inputs(c);
        const nodeTotal = sum(perNode);
        // Relative to the magnitudes summed (the explicit remainder is a difference of large numbers).
        const tolerance = 1e-9 * Math.max(1, nodeTotal + sum(perNamespaceNode));
        expect(Math.abs(sum(allocateNodeEnergy(mode, LABELS, perNamespaceNode, perNode).values()) - nodeTotal)).toBeLessThanOrEqual(tolerance);
        for (const n of perNode) {
          const onNode = allocateNodeEnergy(mode, LABELS, perNamespaceNode.filter((r) => r.labels[1] === n.labels[0]), [n]);
          const scale = n.value + sum(perNamespaceNode.filter((r) => r.labels[1] === n.labels[0]));
          expect(Math.abs(sum(onNode.values()) - n.value)).toBeLessThanOrEqual(1e-9 * Math.max(1, scale));
          if (mode === 'proportional') for (const x of onNode.values()) expect(x.value).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});

describe('allocation over a ledger', () => {
  const O = 360_000;
  const node = (n: string): SeriesDescriptor => descriptor(`node-${n}`, { scope: 'node', group: [n], node: n });
  const pod = (ns: string, n: string): SeriesDescriptor => descriptor(`${ns}@${n}`, { group: [ns], node: n });
  /** Counter series at `watts` for 2 h, one sample every 15 s. */
  const run = (d: SeriesDescriptor, watts: number) =>
    samples(d, Array.from({ length: 481 }, (_, i) => [O - 15 + i * 15, 1000 + watts * i * 15] as const));
  const batch = [run(node('n1'), 100), run(node('n2'), 50), run(pod('a', 'n1'), 30), run(pod('b', 'n1'), 10), run(pod('a', 'n2'), 20)];
  const options = { origin: O, windows: [{ label: '5m', seconds: 300 }, { label: '1h', seconds: 3600 }] };

  function ledgers() {
    const main = new Ledger(options);
    const split = new Ledger(options);
    main.ingest(batch);
    split.ingest(batch.map(splitByNode));
    return {
      main: buildSnapshot(main, LABELS),
      split: buildSnapshot(split, { namespaceLabels: ['namespace', 'node'], nodeLabels: ['node'] }),
      splitLedger: split,
    };
  }

  it.each(['explicit', 'proportional'] as const)('%s: every window and period of the namespaces adds up to the nodes', (mode) => {
    const { main, split } = ledgers();
    const out = allocateSnapshot(mode, main, split);
    for (const kind of ['windows', 'periods'] as const) {
      for (const span of Object.keys(main.nodes[0]![kind])) {
        const nodes = main.nodes.reduce((s, g) => s + g[kind][span]!, 0);
        const namespaces = out.namespaces.reduce((s, g) => s + (g[kind][span] ?? 0), 0);
        expect(nodes).toBeGreaterThan(0);
        expect(Math.abs(namespaces - nodes) / nodes).toBeLessThan(1e-12);
      }
    }
    expect(out.nodes).toBe(main.nodes);
  });

  it('explicit: __unattributed__ is 90 W of idle over the last hour (150 W of nodes, 60 W of pods), namespaces unchanged, no counter', () => {
    const { main, split } = ledgers();
    const out = allocateSnapshot('explicit', main, split);
    const byName = Object.fromEntries(out.namespaces.map((g) => [g.labels[0], g]));
    expect(Object.keys(byName)).toEqual(['__unattributed__', 'a', 'b']);
    expect(byName[U]!.windows['1h']).toBeCloseTo(90, 9);
    expect(byName['a']!.windows['1h']).toBe(main.namespaces[0]!.windows['1h']);
    expect(byName['a']!.totalJoules).toBe(main.namespaces[0]!.totalJoules);
    expect(byName[U]!.totalJoules).toBeNaN();
  });

  it('proportional: a gets 75 W of n1 and all 50 W of n2, b 25 W; no __unattributed__ when every node has namespaces', () => {
    const { main, split } = ledgers();
    const out = allocateSnapshot('proportional', main, split);
    expect(out.namespaces.map((g) => g.labels[0])).toEqual(['a', 'b']);
    expect(out.namespaces[0]!.windows['1h']).toBeCloseTo(125, 9);
    expect(out.namespaces[1]!.windows['1h']).toBeCloseTo(25, 9);
  });

  it('folds namespaces the main ledger does not track into __other__, but never the unattributed group', () => {
    const { main, split } = ledgers();
    const out = allocateSnapshot('explicit', main, split, (l) => (l[0] === 'b' ? ['__other__'] : l));
    expect(out.namespaces.map((g) => g.labels[0])).toEqual(['__other__', '__unattributed__', 'a']);
  });

  it('allocates hour rows the same way: each hour of namespaces plus unattributed equals the nodes', () => {
    const { splitLedger } = ledgers();
    const ns = splitLedger.hours('namespace', O, O + 7200);
    const nodes = splitLedger.hours('node', O, O + 7200);
    const rows = allocateHours('explicit', LABELS, ns, nodes);
    expect(rows.map((r) => `${r.hourStart - O}:${r.labels[0]}`)).toEqual(['0:__unattributed__', '0:a', '0:b', '3600:__unattributed__', '3600:a', '3600:b']);
    for (const h of [O, O + 3600]) {
      const total = nodes.filter((r) => r.hourStart === h).reduce((s, r) => s + r.joules, 0);
      expect(total).toBeGreaterThan(0);
      if (h === O) expect(total).toBeCloseTo(150 * 3600, 6);
      expect(rows.filter((r) => r.hourStart === h).reduce((s, r) => s + r.joules, 0)).toBeCloseTo(total, 6);
    }
  });

  it('allocates weighted values (carbon, cost) the same way, each on its own numbers', () => {
    const { main, split } = ledgers();
    const grams = (wh: number) => ({ carbon_grams: { windows: { '1h': wh * 0.4 }, periods: {} } });
    const withCarbon = (list: readonly GroupEnergy[]) => list.map((g) => ({ ...g, weighted: grams(g.windows['1h']!) }));
    const carbonSplit = { ...split, namespaces: withCarbon(split.namespaces), nodes: withCarbon(split.nodes) };
    const carbon = (out: LedgerSnapshot, ns: string) => out.namespaces.find((g) => g.labels[0] === ns)!.weighted!['carbon_grams']!.windows['1h']!;
    const explicit = allocateSnapshot('explicit', main, carbonSplit);
    expect(carbon(explicit, U)).toBeCloseTo(90 * 0.4, 9);
    expect(carbon(explicit, 'a')).toBeCloseTo(50 * 0.4, 9);
    const proportional = allocateSnapshot('proportional', main, carbonSplit);
    expect(carbon(proportional, 'a')).toBeCloseTo(125 * 0.4, 9);
    expect(carbon(proportional, 'b')).toBeCloseTo(25 * 0.4, 9);
  });
});
