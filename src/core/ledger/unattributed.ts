/**
 * Idle and unattributed energy (opt-in): Kepler books idle energy on the node, not on pods, so the
 * namespaces of a node add up to less than the node. Per node and per span (window, period, hour):
 *
 * - `explicit`: namespaces keep their measured energy; `namespace="__unattributed__"` gets
 *   node − Σ namespaces on that node. Not clamped: over short spans the pod counters can run a
 *   little ahead of the node counter, and then the remainder is negative (clamping would break the identity).
 * - `proportional`: the node's energy is shared among its namespaces in proportion to their measured
 *   energy, i.e. each is scaled by node / Σ namespaces (never negative; a negative remainder scales
 *   them down). A node with energy but no namespace energy books it all to `__unattributed__`.
 *
 * Either way Σ namespaces + `__unattributed__` = Σ nodes (up to floating-point rounding, ~1e-15 relative).
 * The per-node split comes from a second ledger whose namespace groups end with the node
 * ({@link splitByNode}); this file only combines its numbers.
 */
import type { GroupEnergy, HourRow, LedgerSnapshot, SeriesSamples } from '../types.js';
import { groupKeyOf } from '../schema/key-codec.js';
import type { SnapshotLabels } from './snapshot.js';

/** How node energy that Kepler leaves unattributed is published. */
export type UnattributedMode = 'off' | 'explicit' | 'proportional';

/** Namespace label value of the unattributed group. */
export const UNATTRIBUTED_LABEL_VALUE = '__unattributed__';

/** A value of one group. */
export interface LabeledValue {
  readonly labels: readonly string[];
  readonly value: number;
}

/** A namespace series regrouped per (namespace group, node) for the split ledger; node series unchanged. */
export function splitByNode(s: SeriesSamples): SeriesSamples {
  const d = s.descriptor;
  if (d.scope !== 'namespace') return s;
  return { ...s, descriptor: { ...d, group: [...d.group, d.node] } };
}

/**
 * Allocates each node's energy to namespaces. `perNamespaceNode` labels are the namespace group's
 * labels followed by the node; `perNode` labels are node group labels. Returns namespace groups
 * (including `__unattributed__` groups, whose other labels come from the node group) keyed by group key.
 */
export function allocateNodeEnergy(
  mode: Exclude<UnattributedMode, 'off'>,
  labels: SnapshotLabels,
  perNamespaceNode: readonly LabeledValue[],
  perNode: readonly LabeledValue[],
): Map<string, LabeledValue> {
  const nsCount = labels.namespaceLabels.length;
  // Position of each node label in a (namespace group, node) label list.
  const nodeSource = labels.nodeLabels.map((name) => (name === 'node' ? nsCount : labels.namespaceLabels.indexOf(name)));
  const nodes = new Map<string, { labels: readonly string[]; energy: number; shares: LabeledValue[] }>();
  const nodeEntry = (nodeLabels: readonly string[]) => {
    const key = groupKeyOf(nodeLabels);
    let entry = nodes.get(key);
    if (entry === undefined) nodes.set(key, (entry = { labels: nodeLabels, energy: 0, shares: [] }));
    return entry;
  };
  for (const n of perNode) nodeEntry(n.labels).energy += n.value;
  for (const r of perNamespaceNode) {
    nodeEntry(nodeSource.map((i) => r.labels[i] ?? '')).shares.push({ labels: r.labels.slice(0, nsCount), value: r.value });
  }
  const out = new Map<string, LabeledValue>();
  const add = (groupLabels: readonly string[], value: number) => {
    const key = groupKeyOf(groupLabels);
    out.set(key, { labels: out.get(key)?.labels ?? groupLabels, value: (out.get(key)?.value ?? 0) + value });
  };
  for (const node of nodes.values()) {
    const sum = node.shares.reduce((s, x) => s + x.value, 0);
    if (mode === 'proportional' && sum > 0) {
      // share / sum ≤ 1 first, so a subnormal sum cannot overflow the factor.
      for (const share of node.shares) add(share.labels, (share.value / sum) * node.energy);
      continue;
    }
    for (const share of node.shares) add(share.labels, share.value);
    // Proportional mode books a node only when none of its energy can be shared (no namespace energy).
    if (mode === 'explicit' || node.energy !== 0) add(unattributedLabels(labels, node.labels), node.energy - sum);
  }
  return out;
}

/** Labels of the unattributed group of a node: `__unattributed__` for `namespace`, the node's value for shared labels. */
function unattributedLabels(labels: SnapshotLabels, nodeLabels: readonly string[]): string[] {
  return labels.namespaceLabels.map((name) => {
    if (name === 'namespace') return UNATTRIBUTED_LABEL_VALUE;
    const i = labels.nodeLabels.indexOf(name);
    return i >= 0 ? (nodeLabels[i] ?? '') : '';
  });
}

/**
 * The published snapshot with allocated namespace windows and periods, and weighted values (carbon,
 * cost) when `split` has them. `split` is the snapshot of the split ledger (namespace labels + `node`).
 * Namespace counters (`totalJoules`) stay as measured (a reallocated total could decrease);
 * `__unattributed__` has no counter (NaN).
 * `fold` maps a namespace group the main ledger does not track (beyond `max_namespaces`) to `__other__`.
 */
export function allocateSnapshot(
  mode: Exclude<UnattributedMode, 'off'>,
  main: LedgerSnapshot,
  split: LedgerSnapshot,
  fold: (labels: readonly string[]) => readonly string[] = (l) => l,
): LedgerSnapshot {
  const labels = { namespaceLabels: main.namespaceLabels, nodeLabels: main.nodeLabels };
  const nsIndex = labels.namespaceLabels.indexOf('namespace');
  const all = [...split.nodes, ...split.namespaces];
  const weightNames = [...new Set(all.flatMap((g) => Object.keys(g.weighted ?? {})))];
  type Spans = { windows: Record<string, number>; periods: Record<string, number> };
  const groups = new Map<string, Spans & { labels: readonly string[]; weighted: Record<string, Spans> }>();
  // Energy first, then each weight (carbon, cost) allocated the same way on its own values.
  for (const channel of [undefined, ...weightNames]) {
    const part = (g: GroupEnergy) => (channel === undefined ? g : g.weighted?.[channel]);
    for (const kind of ['windows', 'periods'] as const) {
      for (const span of new Set(all.flatMap((g) => Object.keys(part(g)?.[kind] ?? {})))) {
        const values = (list: readonly GroupEnergy[]) => list.map((g) => ({ labels: g.labels, value: part(g)?.[kind][span] ?? 0 }));
        for (const v of allocateNodeEnergy(mode, labels, values(split.namespaces), values(split.nodes)).values()) {
          const folded = v.labels[nsIndex] === UNATTRIBUTED_LABEL_VALUE ? v.labels : fold(v.labels);
          const key = groupKeyOf(folded);
          let g = groups.get(key);
          if (g === undefined) groups.set(key, (g = { labels: folded, windows: {}, periods: {}, weighted: {} }));
          const target = channel === undefined ? g : (g.weighted[channel] ??= { windows: {}, periods: {} });
          target[kind][span] = (target[kind][span] ?? 0) + v.value;
        }
      }
    }
  }
  // Other fields of a measured group are kept as measured.
  const measured = new Map(main.namespaces.map((g) => [groupKeyOf(g.labels), g]));
  const namespaces = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, g]) => ({
      ...measured.get(key),
      labels: g.labels,
      totalJoules: measured.get(key)?.totalJoules ?? Number.NaN,
      windows: g.windows,
      periods: g.periods,
      ...(weightNames.length > 0 && { weighted: g.weighted }),
    }));
  return Object.freeze({ ...main, namespaces });
}

/** Hour rows with the same allocation, from the split ledger's namespace and node rows; sorted by hour then labels. */
export function allocateHours(
  mode: Exclude<UnattributedMode, 'off'>,
  labels: SnapshotLabels,
  perNamespaceNode: readonly HourRow[],
  perNode: readonly HourRow[],
  fold: (labels: readonly string[]) => readonly string[] = (l) => l,
): HourRow[] {
  const byHour = new Map<number, { ns: LabeledValue[]; nodes: LabeledValue[] }>();
  const hour = (h: number) => {
    let entry = byHour.get(h);
    if (entry === undefined) byHour.set(h, (entry = { ns: [], nodes: [] }));
    return entry;
  };
  for (const r of perNamespaceNode) hour(r.hourStart).ns.push({ labels: r.labels, value: r.joules });
  for (const r of perNode) hour(r.hourStart).nodes.push({ labels: r.labels, value: r.joules });
  const nsIndex = labels.namespaceLabels.indexOf('namespace');
  const rows: HourRow[] = [];
  for (const h of [...byHour.keys()].sort((a, b) => a - b)) {
    const { ns, nodes } = byHour.get(h)!;
    const folded = new Map<string, HourRow>();
    for (const v of allocateNodeEnergy(mode, labels, ns, nodes).values()) {
      const l = v.labels[nsIndex] === UNATTRIBUTED_LABEL_VALUE ? v.labels : fold(v.labels);
      const key = groupKeyOf(l);
      folded.set(key, { hourStart: h, labels: l, joules: (folded.get(key)?.joules ?? 0) + v.value });
    }
    rows.push(...[...folded.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r));
  }
  return rows;
}

/**
 * The split ledger's values of an hour known only as published (the restore's history path): the
 * allocated namespace values, incl. `__unattributed__`, not per node. Each is booked on a stand-in node
 * (`node=""`) whose energy is the sum of its namespaces; in either mode such a node passes its
 * namespaces through unchanged (proportional factor 1, explicit remainder 0), so every span that
 * contains the hour gets the published values of that hour. Published node energy stays on the nodes.
 */
export function publishedHourPerNode(
  labels: SnapshotLabels,
  published: readonly LabeledValue[],
): { perNamespaceNode: LabeledValue[]; perNode: LabeledValue[] } {
  const standIn = new Map<string, LabeledValue>();
  const perNamespaceNode: LabeledValue[] = [];
  for (const r of published) {
    perNamespaceNode.push({ labels: [...r.labels, ''], value: r.value });
    // A node label that is also a namespace label keeps the namespace's value (as `allocateNodeEnergy` reads it).
    const node = labels.nodeLabels.map((name) => (name === 'node' ? '' : (r.labels[labels.namespaceLabels.indexOf(name)] ?? '')));
    const key = groupKeyOf(node);
    standIn.set(key, { labels: node, value: (standIn.get(key)?.value ?? 0) + r.value });
  }
  return { perNamespaceNode, perNode: [...standIn.values()] };
}
