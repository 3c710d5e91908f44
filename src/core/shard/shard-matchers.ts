import { NODE_LABELS } from '../schema/catalogue.js';
import { resolveNode } from '../schema/classify.js';
import { quote } from '../schema/selector.js';
import { shardOfNode, type ShardSpec } from './node-hash.js';

const REGEX_META = /[\\^$.|?*+()[\]{}]/g;

/**
 * The matchers that select exactly the series of one shard's nodes, as disjoint alternatives (one
 * query each). `labelSets` are the distinct values of the node labels (`NODE_LABELS`) of the series
 * present, e.g. from `group by (node_name, node, exported_instance, instance) (…)`. A series' node is
 * the first of those labels that is set (`resolveNode`, as the ledger reads it); the alternative for
 * label L is `<labels before L>="", L=~"<this shard's nodes named by L>"`, so a series matches
 * exactly one alternative, that of the label its node comes from. Empty when the shard owns no node.
 */
export function shardMatchers(labelSets: readonly Readonly<Record<string, string>>[], shard: ShardSpec): string[] {
  const owned = new Map<string, Set<string>>();
  for (const labels of labelSets) {
    const node = resolveNode(labels);
    if (node === '' || shardOfNode(node, shard.count) !== shard.index) continue;
    const label = NODE_LABELS.find((name) => labels[name] === node && NODE_LABELS.slice(0, NODE_LABELS.indexOf(name)).every((before) => !labels[before])) as string;
    let set = owned.get(label);
    if (set === undefined) owned.set(label, (set = new Set()));
    set.add(node);
  }
  const out: string[] = [];
  NODE_LABELS.forEach((label, i) => {
    const nodes = owned.get(label);
    if (nodes === undefined) return;
    const alternatives = [...nodes].sort().map((n) => n.replace(REGEX_META, '\\$&')).join('|');
    const empty = NODE_LABELS.slice(0, i).map((before) => `${before}=""`);
    out.push([...empty, `${label}=~${quote(alternatives)}`].join(','));
  });
  return out;
}

/** The nodes named in `labelSets` that `shard` owns, sorted. */
export function ownedNodes(labelSets: readonly Readonly<Record<string, string>>[], shard: ShardSpec): string[] {
  const nodes = new Set(labelSets.map(resolveNode).filter((n) => n !== '' && shardOfNode(n, shard.count) === shard.index));
  return [...nodes].sort();
}
