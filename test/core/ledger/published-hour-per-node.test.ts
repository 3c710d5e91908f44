import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupKeyOf } from '../../../src/core/schema/key-codec.js';
import { allocateNodeEnergy, publishedHourPerNode, UNATTRIBUTED_LABEL_VALUE as U, type LabeledValue } from '../../../src/core/ledger/unattributed.js';

const v = (value: number, ...labels: string[]): LabeledValue => ({ labels, value });
const asObject = (m: Map<string, LabeledValue>) => Object.fromEntries([...m.values()].map((x) => [x.labels.join('/'), x.value]));

/** Allocation of a span made of `live` (per namespace and node) and of hours known only as `published`. */
function spanWith(mode: 'explicit' | 'proportional', labels: typeof LABELS, live: { ns: LabeledValue[]; nodes: LabeledValue[] }, published: LabeledValue[]) {
  const hour = publishedHourPerNode(labels, published);
  return allocateNodeEnergy(mode, labels, [...live.ns, ...hour.perNamespaceNode], [...live.nodes, ...hour.perNode]);
}

const LABELS = { namespaceLabels: ['namespace'], nodeLabels: ['node'] };

describe('publishedHourPerNode (the history path with unattributed)', () => {
  it('passes a published hour through the allocation of any span that holds it, in both modes', () => {
    const live = { ns: [v(30, 'a', 'n1'), v(10, 'b', 'n1'), v(20, 'a', 'n2')], nodes: [v(100, 'n1'), v(50, 'n2')] };
    // explicit: a 50, b 10, __unattributed__ 90 live; the published hour adds a 5, c 2, __unattributed__ −1.
    expect(asObject(spanWith('explicit', LABELS, live, [v(5, 'a'), v(2, 'c'), v(-1, U)]))).toEqual({ a: 55, b: 10, c: 2, [U]: 89 });
    // proportional: a 125, b 25 live; the published hour (no negative values in this mode) adds a 5, __unattributed__ 3.
    const out = asObject(spanWith('proportional', LABELS, live, [v(5, 'a'), v(3, U)]));
    expect(out.a).toBeCloseTo(130, 12);
    expect(out.b).toBeCloseTo(25, 12);
    expect(out[U]).toBeCloseTo(3, 12);
  });

  it('books the hour on a stand-in node (node="") that keeps the node labels it shares with the namespace', () => {
    const labels = { namespaceLabels: ['namespace', 'zone'], nodeLabels: ['zone', 'node'] };
    const hour = publishedHourPerNode(labels, [v(4, 'a', 'package'), v(1, 'b', 'package'), v(2, 'a', 'dram')]);
    expect(hour.perNamespaceNode.map((x) => x.labels)).toEqual([['a', 'package', ''], ['b', 'package', ''], ['a', 'dram', '']]);
    expect(hour.perNode).toEqual([v(5, 'package', ''), v(2, 'dram', '')]);
    expect(asObject(allocateNodeEnergy('explicit', labels, hour.perNamespaceNode, hour.perNode))).toEqual({ 'a/package': 4, 'b/package': 1, 'a/dram': 2, [`${U}/package`]: 0, [`${U}/dram`]: 0 });
  });

  it('property: allocation of live hours plus a published hour = allocation of the live hours + the published values', () => {
    const value = fc.integer({ min: 0, max: 1e9 });
    const arb = fc.record({
      live: fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('n1', 'n2'), value), { maxLength: 6 }),
      nodes: fc.tuple(value, value),
      published: fc.array(fc.tuple(fc.constantFrom('a', 'b', 'd', U), value), { maxLength: 5 }),
    });
    fc.assert(
      fc.property(arb, fc.constantFrom('explicit' as const, 'proportional' as const), ({ live, nodes, published }, mode) => {
        const spans = { ns: live.map(([ns, node, x]) => v(x, ns, node)), nodes: [v(nodes[0], 'n1'), v(nodes[1], 'n2')] };
        const rows = [...new Map(published.map(([ns, x]) => [ns, v(x, ns)])).values()];
        const got = spanWith(mode, LABELS, spans, rows);
        const want = allocateNodeEnergy(mode, LABELS, spans.ns, spans.nodes);
        for (const r of rows) want.set(groupKeyOf(r.labels), v((want.get(groupKeyOf(r.labels))?.value ?? 0) + r.value, ...r.labels));
        for (const key of new Set([...got.keys(), ...want.keys()])) {
          const [g, w] = [got.get(key)?.value ?? 0, want.get(key)?.value ?? 0];
          expect(Math.abs(g - w), key).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(w)));
        }
      }),
      { numRuns: 300 },
    );
  });
});
