import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveNode } from '../../../src/core/schema/classify.js';
import { fnv1a32, parseShard, shardOfNode } from '../../../src/core/shard/node-hash.js';
import { NODE_LABELS } from '../../../src/core/schema/catalogue.js';
import { shardMatchers, type NodeValues } from '../../../src/core/shard/shard-matchers.js';

/** Whether a series' labels satisfy `a="",b=~"x|y"` matchers (anchored regexes, as PromQL's). */
function matches(labels: Readonly<Record<string, string>>, matchers: string): boolean {
  const parts = matchers.match(/[a-z_]+(=~|=)"(?:[^"\\]|\\.)*"/g) ?? [];
  return parts.every((part) => {
    const [, name, op, quoted] = /^([a-z_]+)(=~|=)(".*")$/.exec(part) as RegExpExecArray;
    const value = JSON.parse(quoted as string) as string;
    const actual = labels[name as string] ?? '';
    return op === '=' ? actual === value : new RegExp(`^(?:${value})$`).test(actual);
  });
}

describe('fnv1a32', () => {
  it('matches the published FNV-1a test vectors (UTF-8 bytes)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    // Non-ASCII hashes its UTF-8 bytes: 'é' is c3 a9.
    const bytes = [0xc3, 0xa9].reduce((h, b) => Math.imul(h ^ b, 0x01000193) >>> 0, 0x811c9dc5);
    expect(fnv1a32('é')).toBe(bytes);
    expect(fnv1a32('😀')).toBe([0xf0, 0x9f, 0x98, 0x80].reduce((h, b) => Math.imul(h ^ b, 0x01000193) >>> 0, 0x811c9dc5));
  });

  it('spreads node names evenly: 4 shards of 1,000 nodes are each within 20% of 250', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 1000; i++) counts[shardOfNode(`worker-${i}.prod.example.com`, 4)]!++;
    for (const c of counts) expect(Math.abs(c - 250)).toBeLessThan(50);
  });
});

describe('parseShard', () => {
  it('accepts i/N with 0 ≤ i < N', () => {
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard('3/4')).toEqual({ index: 3, count: 4 });
  });
  it.each([
    ['4/4', 'i must be less than N'],
    ['0/0', 'N must be at least 1'],
    ['1', 'expected i/N'],
    ['-1/4', 'expected i/N'],
    ['a/b', 'expected i/N'],
  ])('rejects %s', (text, message) => {
    expect(parseShard(text)).toContain(message);
  });
});

/** What the label values API answers for each node label, restricted to series whose earlier node labels are empty. */
function valuesOf(series: readonly Readonly<Record<string, string>>[]): NodeValues {
  const out = new Map<string, string[]>();
  NODE_LABELS.forEach((label, i) => {
    const values = series.filter((s) => NODE_LABELS.slice(0, i).every((b) => !s[b]) && s[label]).map((s) => s[label] as string);
    if (values.length > 0) out.set(label, values);
  });
  return out;
}

describe('shardMatchers', () => {
  const v10 = (node: string) => ({ node_name: node, instance: `${node}:28282` });
  const v4Pod = (instance: string) => ({ instance });
  const v4Node = (node: string, instance: string) => ({ exported_instance: node, instance });

  it('selects a v0.10+ shard by node_name alone', () => {
    const sets = ['a', 'b', 'c', 'd', 'e', 'f'].map(v10);
    const all = [0, 1].flatMap((index) => shardMatchers(valuesOf(sets), { index, count: 2 }));
    expect(all).toHaveLength(2);
    expect(all.every((m) => m.startsWith('node_name=~'))).toBe(true);
  });

  it('is empty for a shard that owns no node', () => {
    expect(shardMatchers(new Map(), { index: 0, count: 3 })).toEqual([]);
    const owner = shardOfNode('a', 3);
    expect(shardMatchers(valuesOf([v10('a'), v10('a')]), { index: (owner + 1) % 3, count: 3 })).toEqual([]);
    expect(shardMatchers(valuesOf([v10('a'), v10('a')]), { index: owner, count: 3 })).toEqual(['node_name=~"a"']);
  });

  it('requires the earlier node labels empty for nodes named by a later one', () => {
    expect(shardMatchers(new Map([['instance', ['x']]]), { index: 0, count: 1 })).toEqual(['node_name="",node="",exported_instance="",instance=~"x"']);
  });

  it('escapes regex characters in node names', () => {
    const [m] = shardMatchers(valuesOf([{ node_name: 'n.1+(x)' }]), { index: 0, count: 1 });
    expect(matches({ node_name: 'n.1+(x)' }, m as string)).toBe(true);
    expect(matches({ node_name: 'nx1+(x)' }, m as string)).toBe(false);
  });

  it('property: every series matches exactly one shard, the one its node (as the ledger reads it) hashes to', () => {
    const name = fc.constantFrom('w1', 'w2', 'w3', 'w4', 'w5', '10.0.0.1:9102', '10.0.0.2:9102', 'n.x', 'é');
    const labels = fc.oneof(
      name.map(v10),
      name.map(v4Pod),
      fc.tuple(name, name).map(([n, i]) => v4Node(n, i)),
      fc.tuple(name, name).map(([n, i]) => ({ node: n, instance: i })),
    );
    fc.assert(
      fc.property(fc.array(labels, { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 5 }), (series, count) => {
        const perShard = Array.from({ length: count }, (_, index) => shardMatchers(valuesOf(series), { index, count }));
        for (const s of series) {
          const owners = perShard.map((alternatives, i) => alternatives.filter((m) => matches(s, m)).length > 0 ? i : -1).filter((i) => i >= 0);
          const hits = perShard.flat().filter((m) => matches(s, m)).length;
          expect(owners).toEqual([shardOfNode(resolveNode(s), count)]);
          expect(hits).toBe(1);
        }
      }),
    );
  });
});
