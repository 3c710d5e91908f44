import { NODE_LABELS } from '../schema/catalogue.js';
import { quote } from '../schema/selector.js';
import { shardOfNode, type ShardSpec } from './node-hash.js';

const REGEX_META = /[\\^$.|?*+()[\]{}]/g;

/** Node label → the values by which series present name their node through that label (see {@link nodeLabelMatch}). */
export type NodeValues = ReadonlyMap<string, readonly string[]>;

/**
 * The matchers a series has when its node comes from `label`: every node label before it empty
 * (`resolveNode` takes the first one set). The label values of `label` among series that also match
 * these are the node names read through `label`.
 */
export function nodeLabelMatch(label: string): string[] {
  return NODE_LABELS.slice(0, NODE_LABELS.indexOf(label)).map((before) => `${before}=""`);
}

/**
 * The matchers that select exactly the series of one shard's nodes, as disjoint alternatives (one
 * query each). A series' node is the first node label that is set (`NODE_LABELS`, as the ledger reads
 * it); a node belongs to shard `fnv1a32(node) mod N` (`shardOfNode`). The alternative for label L is
 * `<labels before L>="", L=~"<this shard's nodes among the values read through L>"`, so a series
 * matches at most one alternative, that of the label its node comes from, and exactly one of some
 * shard when its node is among `values`. Empty when the shard owns no node.
 */
export function shardMatchers(values: NodeValues, shard: ShardSpec): string[] {
  const out: string[] = [];
  for (const label of NODE_LABELS) {
    const owned = [...new Set(values.get(label) ?? [])].filter((v) => v !== '' && shardOfNode(v, shard.count) === shard.index).sort();
    if (owned.length === 0) continue;
    const alternatives = owned.map((n) => n.replace(REGEX_META, '\\$&')).join('|');
    out.push([...nodeLabelMatch(label), `${label}=~${quote(alternatives)}`].join(','));
  }
  return out;
}
