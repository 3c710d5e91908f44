import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/core/ledger/index.js';
import {
  DEFAULT_CLASSIFY_OPTIONS,
  compileNamespaceRelabel,
  createClassifier,
  regexProblem,
  type ClassifyOptions,
  type NamespaceRelabelRule,
} from '../../../src/core/schema/index.js';
import type { RawSeries, SeriesSamples } from '../../../src/core/types.js';
import { v10Pod, v4Container, v3Pod } from './series.js';

const EXAMPLE: NamespaceRelabelRule[] = [
  { regex: 'ci-.*', replacement: 'ci' },
  { regex: 'pr-[0-9]+', replacement: 'previews' },
];

describe('namespace relabeling rules', () => {
  const relabel = compileNamespaceRelabel(EXAMPLE);

  it('rewrites a namespace whose whole name matches, and keeps one that matches nothing', () => {
    expect(relabel('ci-8f3a2c')).toBe('ci');
    expect(relabel('pr-1234')).toBe('previews');
    expect(relabel('shop')).toBe('shop');
  });

  it('anchors the regex at both ends, as Prometheus does', () => {
    expect(relabel('xci-1')).toBe('xci-1');
    expect(relabel('pr-12a')).toBe('pr-12a');
    expect(compileNamespaceRelabel([{ regex: 'a|b', replacement: 'ab' }])('ab')).toBe('ab');
    expect(compileNamespaceRelabel([{ regex: 'a|b', replacement: 'ab' }])('b')).toBe('ab');
  });

  it('expands $1, ${1}, named groups and $$ like Go regexp.Expand', () => {
    const r = (regex: string, replacement: string) => compileNamespaceRelabel([{ regex, replacement }]);
    expect(r('team-([a-z]+)-.*', 'team-$1')('team-data-7')).toBe('team-data');
    expect(r('team-([a-z]+)-.*', '${1}x')('team-data-7')).toBe('datax');
    // `$1x` names group "1x", which does not exist: empty, as in Prometheus (write ${1}x).
    expect(r('team-([a-z]+)-.*', '$1x')('team-data-7')).toBe('');
    expect(r('(?P<team>[a-z]+)-[0-9]+', 'by-$team')('web-12')).toBe('by-web');
    expect(r('(?<team>[a-z]+)-[0-9]+', 'by-${team}')('web-12')).toBe('by-web');
    expect(r('(.*)', 'cost$$$1')('x')).toBe('cost$x');
    expect(r('(a)|(b)', '$2')('a')).toBe('');
    expect(r('(.*)', 'a$-b')('x')).toBe('a$-b');
  });

  it('is order-sensitive: the first matching rule wins and later rules are not applied to its result', () => {
    const wide: NamespaceRelabelRule = { regex: 'ci-.*', replacement: 'ci' };
    const narrow: NamespaceRelabelRule = { regex: 'ci-release-.*', replacement: 'release' };
    expect(compileNamespaceRelabel([narrow, wide])('ci-release-9')).toBe('release');
    expect(compileNamespaceRelabel([wide, narrow])('ci-release-9')).toBe('ci');
    const chain = compileNamespaceRelabel([{ regex: 'a', replacement: 'b' }, { regex: 'b', replacement: 'c' }]);
    expect(chain('a')).toBe('b');
  });

  it('reports invalid regexes and accepts valid ones', () => {
    expect(regexProblem('ci-(')).toMatch(/invalid regular expression "ci-\("/);
    expect(regexProblem('[z-a]')).toBeDefined();
    expect(regexProblem('ci-.*')).toBeUndefined();
    expect(regexProblem('(?P<x>a)')).toBeUndefined();
  });

  const nsArb = fc.oneof(
    fc.stringMatching(/^ci-[0-9a-f]{1,6}$/),
    fc.stringMatching(/^pr-[0-9]{1,5}$/),
    fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
  );
  const ruleArb = fc.record({
    regex: fc.constantFrom('ci-.*', 'pr-[0-9]+', '([a-z]+)-.*', 'p.*', '.*-([0-9]+)', 'shop'),
    replacement: fc.constantFrom('ci', 'previews', '$1', 'x-${1}', 'other'),
  });

  it('is deterministic: a memoized and a fresh relabeler agree on every name (property)', () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { maxLength: 4 }), fc.array(nsArb, { minLength: 1, maxLength: 40 }), (rules, names) => {
        const a = compileNamespaceRelabel(rules);
        const first = names.map(a);
        expect(names.map(a)).toEqual(first);
        expect(names.map((n) => compileNamespaceRelabel(rules)(n))).toEqual(first);
      }),
    );
  });

  it('applies the first rule that matches, as a JavaScript reference does (property)', () => {
    fc.assert(
      fc.property(fc.array(ruleArb, { maxLength: 4 }), nsArb, (rules, name) => {
        const hit = rules.find((r) => new RegExp(`^(?:${r.regex})$`).test(name));
        const m = hit === undefined ? null : new RegExp(`^(?:${hit.regex})$`).exec(name);
        const expected = m === null ? name : hit!.replacement.replace(/\$\{1\}|\$1/g, m[1] ?? '');
        expect(compileNamespaceRelabel(rules)(name)).toBe(expected);
      }),
    );
  });
});

describe('classification with namespace_relabel', () => {
  const options: ClassifyOptions = { ...DEFAULT_CLASSIFY_OPTIONS, groupBy: ['cluster', 'namespace'], namespaceRelabel: EXAMPLE };
  const classify = createClassifier(options);

  it('relabels the namespace group label in every schema; the series identity keeps the raw name', () => {
    const a = classify(v10Pod({ pod_namespace: 'ci-1', pod_id: 'p1', cluster: 'eu' }))!;
    const b = classify(v10Pod({ pod_namespace: 'ci-2', pod_id: 'p1', cluster: 'eu' }))!;
    expect(a.group).toEqual(['eu', 'ci']);
    expect(b.group).toEqual(['eu', 'ci']);
    expect(classify(v4Container({ container_namespace: 'pr-77' }))!.group).toEqual(['', 'previews']);
    expect(classify(v3Pod({ pod_namespace: 'ci-x' }))!.group).toEqual(['', 'ci']);
    expect(classify(v3Pod({ pod_namespace: 'shop' }))!.group).toEqual(['', 'shop']);
    // v0.4-v0.9 and v0.3 keys contain the raw namespace: two ci-* containers stay two series.
    expect(classify(v4Container({ container_namespace: 'ci-1' }))!.key).not.toBe(classify(v4Container({ container_namespace: 'ci-2' }))!.key);
  });

  it('never touches node groups', () => {
    const node = createClassifier({ ...DEFAULT_CLASSIFY_OPTIONS, namespaceRelabel: [{ regex: '.*', replacement: 'all' }] });
    expect(node(v10Pod({ pod_namespace: 'x' }))!.group).toEqual(['all']);
    expect(node({ labels: { __name__: 'kepler_node_cpu_active_joules_total', node_name: 'worker-1', zone: 'package' }, timestamps: [], values: [] })!.group).toEqual(['worker-1']);
  });
});

/** Energy conservation through relabeling and through the cap, with real classification and ledgers. */
describe('energy conservation (property)', () => {
  const O = 360_000;
  const WINDOWS = [
    { label: '5m', seconds: 300 },
    { label: '1h', seconds: 3600 },
  ];
  const podArb = fc.record({
    namespace: fc.oneof(fc.stringMatching(/^ci-[0-9a-f]{1,4}$/), fc.stringMatching(/^pr-[0-9]{1,3}$/), fc.constantFrom('shop', 'ml', 'kube-system')),
    start: fc.integer({ min: 0, max: 7200 }),
    steps: fc.array(fc.record({ dt: fc.integer({ min: 5, max: 600 }), joules: fc.double({ min: 0, max: 2000, noNaN: true }), reset: fc.boolean() }), {
      minLength: 1,
      maxLength: 12,
    }),
  });

  type Pod = typeof podArb extends fc.Arbitrary<infer T> ? T : never;

  function rawOf(pods: readonly Pod[]): RawSeries[] {
    return pods.map((p, i) => {
      const timestamps: number[] = [];
      const values: number[] = [];
      let t = O + p.start;
      let v = 0;
      for (const s of p.steps) {
        t += s.dt;
        v = s.reset && v > 0 ? s.joules : v + s.joules;
        timestamps.push(t);
        values.push(v);
      }
      return { ...v10Pod({ pod_namespace: p.namespace, pod_id: `pod-${i}` }), timestamps, values };
    });
  }

  function ledgerOf(raw: readonly RawSeries[], classifyOptions: ClassifyOptions, maxNamespaces?: number): Ledger {
    const classify = createClassifier(classifyOptions);
    const ledger = new Ledger({ origin: O - 3600, windows: WINDOWS, ...(maxNamespaces !== undefined && { maxNamespaces }) });
    const batch: SeriesSamples[] = raw.map((r) => ({ descriptor: classify(r)!, timestamps: r.timestamps, values: r.values }));
    ledger.ingest(batch);
    return ledger;
  }

  const sum = (rows: readonly { joules: number }[]): number => rows.reduce((a, r) => a + r.joules, 0);
  const close = (a: number, b: number): void => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-300));

  it('the sum over namespaces is the same with and without relabeling and the cap, and each new name sums its members', () => {
    fc.assert(
      fc.property(fc.array(podArb, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 6 }), (pods, cap) => {
        const raw = rawOf(pods);
        const plain = ledgerOf(raw, DEFAULT_CLASSIFY_OPTIONS);
        const relabeled = ledgerOf(raw, { ...DEFAULT_CLASSIFY_OPTIONS, namespaceRelabel: EXAMPLE });
        const capped = ledgerOf(raw, DEFAULT_CLASSIFY_OPTIONS, cap);
        const both = ledgerOf(raw, { ...DEFAULT_CLASSIFY_OPTIONS, namespaceRelabel: EXAMPLE }, cap);
        const total = sum(plain.totals('namespace'));
        for (const l of [relabeled, capped, both]) {
          close(sum(l.totals('namespace')), total);
          const last = l.watermark === undefined ? 0 : Math.ceil(l.watermark / 3600) * 3600;
          close(sum(l.hours('namespace', 0, last + 3600).map((r) => r)), sum(plain.hours('namespace', 0, last + 3600)));
          close(sum(l.window('namespace', 3600)), sum(plain.window('namespace', 3600)));
        }
        // Each relabeled group holds exactly the energy of the namespaces rewritten to it.
        const relabel = compileNamespaceRelabel(EXAMPLE);
        const expected = new Map<string, number>();
        for (const g of plain.totals('namespace')) expected.set(relabel(g.labels[0]!), (expected.get(relabel(g.labels[0]!)) ?? 0) + g.joules);
        const got = new Map(relabeled.totals('namespace').map((g) => [g.labels[0]!, g.joules]));
        expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
        for (const [name, joules] of expected) close(got.get(name)!, joules);
        expect([...got.keys()].some((n) => n.startsWith('ci-') || n.startsWith('pr-'))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
