/**
 * Where a live check's error is: each namespace's energy accounted straight from the raw counter samples
 * the backend stored (the contract's way, independently of the ledger), beside the ledger and the truth,
 * and every stored pod sample whose value is not what the simulated Kepler showed at the sample's time.
 */
import type { SchemaId } from '../../src/core/types.js';
import { podEnergy, type SimComponent } from '../../src/sim/index.js';
import { DYNAMIC_SHARE } from '../../src/sim/schemas/v0-4-v0-9.js';
import { epochStart, lastTick, timelineOf } from '../../src/sim/timeline.js';
import { rawSamples, storedSpanTruth, type LiveCluster } from './live-support.js';

/** One namespace (or namespace on a node): the ledger's joules, the stored-derived joules, the truth. */
export interface EnergyRow {
  readonly namespace: string;
  readonly node?: string;
  readonly ledger?: number;
  readonly stored: number;
  readonly truth: number;
  /** The truth if each stored scrape had seen the tick at its stamp rather than at the node's answer. */
  readonly stampTruth?: number;
}

/** A stored pod sample whose value is not the counter Kepler held at the sample's (stored) time. */
export interface OffModelSample {
  readonly node: string;
  readonly series: string;
  /** Stored timestamp, unix seconds (wall clock). */
  readonly time: number;
  readonly value: number;
  /** The counter at the last Kepler tick at or before the stored time. */
  readonly model: number;
  /** How many Kepler ticks later the tick whose counter the value is (undefined: none within 3). */
  readonly ticksLate?: number;
  /** The stored time's distance to the next tick, seconds (how late an answer had to be to show it). */
  readonly toNextTick: number;
  /** How long after the stored time the node answered the scrape, seconds (undefined: no answer found). */
  readonly answeredLate?: number;
  /** Whether the value is the counter at the last tick at or before that answer. */
  readonly matchesAnswer: boolean;
}

/** The stored samples, accounted and checked against the simulator's model. */
export interface StoredAccount {
  /** Joules per namespace and per `node NUL namespace`. */
  readonly byNamespace: Map<string, number>;
  readonly byNodeNamespace: Map<string, number>;
  readonly resets: number;
  /** Drops of at most 1e-9 relative, taken as read-back noise (delta 0), as the ledger does. */
  readonly noiseDrops: number;
  readonly samples: number;
  readonly offModel: readonly OffModelSample[];
}

/** One merged series: its identity, namespace, node, pod key and samples in time order. */
interface MergedSeries {
  key: string;
  namespace: string;
  node: string;
  component: SimComponent;
  share: number;
  podRef: string;
  points: [number, number][];
}

/** Pod-level counter selectors and the series identity per schema (v0.10+ ignores `state`). */
const POD_QUERIES: Partial<Record<SchemaId, { expr: (job: string) => string; describe: (l: Record<string, string>) => Omit<MergedSeries, 'points'> }>> = {
  'v0.10+': {
    expr: (job) => `kepler_pod_cpu_joules_total{job="${job}",zone=~"package|dram"}[1h]`,
    describe: (l) => ({
      key: [l.node_name, l.pod_id, l.zone].join('|'),
      namespace: l.pod_namespace!,
      node: l.node_name!,
      component: l.zone as SimComponent,
      share: 1,
      podRef: l.pod_id!,
    }),
  },
  'v0.4-v0.9': {
    expr: (job) => `{__name__=~"kepler_container_(package|dram|gpu)_joules_total",job="${job}"}[1h]`,
    describe: (l) => ({
      key: [l.__name__, l.instance, l.container_namespace, l.pod_name, l.container_id ?? l.container_name, l.mode].join('|'),
      namespace: l.container_namespace!,
      node: l.instance!,
      component: /^kepler_container_(\w+)_joules_total$/.exec(l.__name__!)![1] as SimComponent,
      share: l.mode === 'dynamic' ? DYNAMIC_SHARE : 1 - DYNAMIC_SHARE,
      podRef: l.pod_name!,
    }),
  },
};

/**
 * Accounts the pod counters the backend stored for `job`: per identity the sum of deltas (a drop is a
 * reset, `d = v`), a series present at its node's first stored scrape is a baseline, a later one counts
 * from 0. Each sample is also compared with the counter the simulated Kepler held at its stored time.
 */
export async function accountStored(backendUrl: string, cluster: LiveCluster, job: string, scrapes: ReadonlyMap<string, readonly number[]>): Promise<StoredAccount> {
  const { scenario } = cluster;
  const query = POD_QUERIES[scenario.schema];
  if (query === undefined) throw new Error(`failed to diagnose: no pod counter query for ${scenario.schema}`);
  const merged = new Map<string, MergedSeries>();
  for (const s of await rawSamples(backendUrl, query.expr(job))) {
    const d = query.describe(s.labels);
    const m = merged.get(d.key) ?? { ...d, points: [] };
    m.points.push(...s.samples);
    merged.set(d.key, m);
  }
  const byNamespace = new Map<string, number>();
  const byNodeNamespace = new Map<string, number>();
  const add = (m: MergedSeries, joules: number): void => {
    byNamespace.set(m.namespace, (byNamespace.get(m.namespace) ?? 0) + joules);
    const k = `${m.node}\u0000${m.namespace}`;
    byNodeNamespace.set(k, (byNodeNamespace.get(k) ?? 0) + joules);
  };
  let resets = 0;
  let noiseDrops = 0;
  let samples = 0;
  const offModel: OffModelSample[] = [];
  for (const m of merged.values()) {
    const points = m.points.sort((a, b) => a[0] - b[0]).filter((p, i, all) => i === 0 || p[0] !== all[i - 1]![0]);
    const firstScrape = scrapes.get(m.node)?.[0] ?? -Infinity;
    let prev: number | undefined;
    for (const [t, v] of points) {
      samples++;
      const off = checkSample(cluster, m, t, v);
      if (off !== undefined) offModel.push(off);
      if (prev === undefined) {
        if (t > firstScrape + 1e-6) add(m, v);
      } else if (v >= prev) {
        add(m, v - prev);
      } else if (prev - v <= 1e-9 * prev) {
        noiseDrops++;
      } else {
        resets++;
        add(m, v);
      }
      prev = v;
    }
  }
  return { byNamespace, byNodeNamespace, resets, noiseDrops, samples, offModel };
}

/** The sample against the simulator: undefined when it is the counter at the last tick ≤ its stored time. */
function checkSample(cluster: LiveCluster, m: MergedSeries, wallTime: number, value: number): OffModelSample | undefined {
  const { scenario } = cluster;
  const pod = scenario.pods.find((p) => p.node === m.node && (scenario.schema === 'v0.10+' ? p.uid : p.name) === m.podRef);
  if (pod === undefined) return undefined;
  const nt = timelineOf(scenario).node(m.node);
  const t = cluster.toScenarioTime(wallTime);
  const r = epochStart(nt, t);
  const tau = lastTick(scenario, nt, t);
  const counter = (tick: number): number => m.share * podEnergy(pod, m.component, r, tick);
  const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  const model = counter(tau);
  if (close(value, model)) return undefined;
  let ticksLate: number | undefined;
  for (let k = -3; k <= 3 && ticksLate === undefined; k++) if (k !== 0 && close(value, counter(tau + k * scenario.tickSeconds))) ticksLate = k;
  const answered = cluster.answeredAt(m.node, wallTime);
  const matchesAnswer = answered !== undefined && epochStart(nt, answered) === r && close(value, counter(lastTick(scenario, nt, answered)));
  return {
    node: m.node,
    series: m.key,
    time: wallTime,
    value,
    model,
    ...(ticksLate === undefined ? {} : { ticksLate }),
    toNextTick: tau + scenario.tickSeconds - t,
    ...(answered === undefined ? {} : { answeredLate: answered - t }),
    matchesAnswer,
  };
}

/** Ledger, stored-derived and truth per namespace, and per node for each namespace whose three differ. */
export function energyRows(
  cluster: LiveCluster,
  scrapes: ReadonlyMap<string, readonly number[]>,
  ledger: ReadonlyMap<string, number>,
  stored: StoredAccount,
): { namespaces: EnergyRow[]; nodes: EnergyRow[] } {
  const truth = storedSpanTruth(cluster, scrapes);
  const names = [...new Set([...truth.keys(), ...ledger.keys(), ...stored.byNamespace.keys()])].sort();
  const stampTruth = storedSpanTruth({ ...cluster, answeredAt: (_node, wall) => cluster.toScenarioTime(wall) }, scrapes);
  const namespaces = names.map((namespace) => ({
    namespace,
    ledger: ledger.get(namespace),
    stored: stored.byNamespace.get(namespace) ?? 0,
    truth: truth.get(namespace) ?? 0,
    stampTruth: stampTruth.get(namespace) ?? 0,
  }));
  const off = (a: number, b: number): boolean => Math.abs(a - b) > 1e-7 * Math.max(1, Math.abs(b));
  const nodes: EnergyRow[] = [];
  for (const row of namespaces.filter((r) => off(r.ledger ?? 0, r.truth) || off(r.stored, r.truth))) {
    for (const [node, times] of scrapes) {
      const nodeTruth = storedSpanTruth(cluster, new Map([[node, times]])).get(row.namespace) ?? 0;
      const nodeStored = stored.byNodeNamespace.get(`${node}\u0000${row.namespace}`) ?? 0;
      if (nodeTruth !== 0 || nodeStored !== 0) nodes.push({ namespace: row.namespace, node, stored: nodeStored, truth: nodeTruth });
    }
  }
  return { namespaces, nodes };
}

/** A compact text of the diagnosis, for a failure message or the log. */
export function describeDiagnosis(schema: SchemaId, rows: { namespaces: EnergyRow[]; nodes: EnergyRow[] }, stored: StoredAccount): string {
  const rel = (a: number | undefined, b: number): string => (a === undefined ? 'missing' : b === 0 ? String(a) : ((a - b) / b).toExponential(2));
  const lines = [`${schema}: namespace ledger stored truth (ledger-truth)/truth (stored-truth)/truth (ledger-stored)/stored (stamp truth-truth)/truth`];
  for (const r of rows.namespaces) {
    lines.push(`  ${r.namespace} ${r.ledger?.toFixed(6)} ${r.stored.toFixed(6)} ${r.truth.toFixed(6)} ${rel(r.ledger, r.truth)} ${rel(r.stored, r.truth)} ${rel(r.ledger, r.stored)} ${rel(r.stampTruth, r.truth)}`);
  }
  for (const r of rows.nodes) lines.push(`  on ${r.node}: ${r.namespace} stored ${r.stored.toFixed(6)} truth ${r.truth.toFixed(6)} ${rel(r.stored, r.truth)}`);
  const late = new Map<string, number>();
  for (const o of stored.offModel) late.set(String(o.ticksLate ?? '?'), (late.get(String(o.ticksLate ?? '?')) ?? 0) + 1);
  const explained = stored.offModel.filter((o) => o.matchesAnswer).length;
  lines.push(
    `  stored pod samples ${stored.samples}, resets ${stored.resets}, noise drops ${stored.noiseDrops}; not the counter at their stored time: ${stored.offModel.length} ` +
      `(by ticks late: ${JSON.stringify(Object.fromEntries(late))}), of which the counter at the node's later answer: ${explained}`,
  );
  for (const o of stored.offModel.slice(0, 8)) {
    lines.push(
      `    ${o.node} ${o.series} t=${o.time} value ${o.value} model ${o.model} ticks late ${o.ticksLate ?? '?'}, next tick ${o.toNextTick.toFixed(3)} s after t, answered ${o.answeredLate?.toFixed(3) ?? '?'} s after t`,
    );
  }
  return lines.join('\n');
}
