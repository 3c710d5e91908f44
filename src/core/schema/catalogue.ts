import type { Component, SchemaId, Scope } from '../types.js';

/**
 * One identity slot of a series key: the value of the first label of the list that is present
 * (`''` when none is). A list of one label is the common case; v0.4–v0.9 containers use
 * `container_id`, falling back to `container_name` on v0.4 where `container_id` does not exist.
 */
export type IdentitySlot = readonly string[];

/** How one Kepler metric is accounted. */
export interface MetricSpec {
  readonly name: string;
  readonly schema: SchemaId;
  readonly scope: Scope;
  /** Short code that starts every key of this metric; unique across the catalogue. */
  readonly code: string;
  readonly kind: 'counter' | 'gauge';
  /** Factor from the raw value to joules. */
  readonly toJoules: number;
  /** Fixed component of the metric; undefined when it comes from the `zone` label. */
  readonly component?: Component;
  /**
   * v0.10+ CPU metrics: the zones accounted by default, zone value → component. The classifier reads
   * the zone through `kepler.zones` merged over `DEFAULT_ZONES` (see `zones.ts`) instead.
   */
  readonly zones?: Readonly<Record<string, Component>>;
  /**
   * The counter sums the running processes of a pod and drops when one exits (v0.10+ pod GPU energy);
   * `powerMetric` is the gauge read alongside to bound such a drop (see `process-exit.ts`).
   */
  readonly dropsOnProcessExit?: boolean;
  readonly powerMetric?: string;
  /** v0.4–v0.9: the series carry a `mode` label (`dynamic`/`idle`; absent before v0.4.2). */
  readonly hasMode?: boolean;
  /** Identity labels besides the node, the extra grouping labels, the zone and the mode. */
  readonly identity: readonly IdentitySlot[];
}

/** One Kepler metric schema. */
export interface SchemaSpec {
  readonly id: SchemaId;
  /** Label carrying the workload namespace on namespace-scope series. */
  readonly namespaceLabel: string;
  /** Label carrying the workload pod on namespace-scope series. */
  readonly podLabel: string;
  /** Build info metric (its `version` label names the Kepler version). */
  readonly buildInfo: string;
  /**
   * Names whose presence proves the schema. v0.3 does not list its build info: v0.2, which is not
   * supported, exports the same `energy_stats_exporter_build_info`.
   */
  readonly fingerprints: readonly string[];
  readonly metrics: readonly MetricSpec[];
}

/**
 * Labels the node is read from, in order: `node_name` (v0.10+ constant label), `node` (common
 * relabelling of `__meta_kubernetes_pod_node_name`), `exported_instance` (Kepler's own `instance`
 * label on v0.3–v0.9 node metrics, renamed by Prometheus because it clashes with the target's),
 * then the target `instance` (Kepler's address, or its own `instance` with `honor_labels`).
 */
export const NODE_LABELS: readonly string[] = ['node_name', 'node', 'exported_instance', 'instance'];

const CPU_ZONES: Readonly<Record<string, Component>> = { package: 'package', dram: 'dram' };
const one = (label: string): IdentitySlot => [label];
const V10_POD: readonly IdentitySlot[] = [one('pod_id')];
const V10_NODE: readonly IdentitySlot[] = [one('path')];
const V10_GPU: readonly IdentitySlot[] = [one('gpu'), one('gpu_uuid')];
const V4_CONTAINER: readonly IdentitySlot[] = [
  one('container_namespace'),
  one('pod_name'),
  ['container_id', 'container_name'],
];
const V4_NODE: readonly IdentitySlot[] = [one('package'), one('index')];
const V3_POD: readonly IdentitySlot[] = [one('pod_namespace'), one('pod_name')];

type Base = Pick<MetricSpec, 'schema' | 'kind' | 'toJoules'>;
const V10: Base = { schema: 'v0.10+', kind: 'counter', toJoules: 1 };
const V4: Base = { schema: 'v0.4-v0.9', kind: 'counter', toJoules: 1 };

const V10_METRICS: readonly MetricSpec[] = [
  { ...V10, name: 'kepler_pod_cpu_joules_total', scope: 'namespace', code: 'Ap', zones: CPU_ZONES, identity: V10_POD },
  { ...V10, name: 'kepler_pod_gpu_joules_total', scope: 'namespace', code: 'Ag', component: 'gpu', dropsOnProcessExit: true, powerMetric: 'kepler_pod_gpu_watts', identity: [...V10_POD, ...V10_GPU] },
  { ...V10, name: 'kepler_node_cpu_active_joules_total', scope: 'node', code: 'AA', zones: CPU_ZONES, identity: V10_NODE },
  { ...V10, name: 'kepler_node_cpu_idle_joules_total', scope: 'node', code: 'AI', zones: CPU_ZONES, identity: V10_NODE },
  { ...V10, name: 'kepler_node_gpu_active_joules_total', scope: 'node', code: 'AG', component: 'gpu', identity: V10_GPU },
  { ...V10, name: 'kepler_node_gpu_idle_joules_total', scope: 'node', code: 'AJ', component: 'gpu', identity: V10_GPU },
];

const V4_METRICS: readonly MetricSpec[] = [
  { ...V4, name: 'kepler_container_package_joules_total', scope: 'namespace', code: 'Bp', component: 'package', hasMode: true, identity: V4_CONTAINER },
  { ...V4, name: 'kepler_container_dram_joules_total', scope: 'namespace', code: 'Bd', component: 'dram', hasMode: true, identity: V4_CONTAINER },
  { ...V4, name: 'kepler_container_gpu_joules_total', scope: 'namespace', code: 'Bg', component: 'gpu', hasMode: true, identity: V4_CONTAINER },
  { ...V4, name: 'kepler_node_package_joules_total', scope: 'node', code: 'BP', component: 'package', hasMode: true, identity: V4_NODE },
  { ...V4, name: 'kepler_node_dram_joules_total', scope: 'node', code: 'BD', component: 'dram', hasMode: true, identity: V4_NODE },
  { ...V4, name: 'kepler_node_gpu_joules_total', scope: 'node', code: 'BG', component: 'gpu', hasMode: true, identity: V4_NODE },
];

const V3_POD_GAUGE: Base = { schema: 'v0.3', kind: 'gauge', toJoules: 0.001 };
const V3_NODE_GAUGE: Base = { schema: 'v0.3', kind: 'gauge', toJoules: 1 };
const V3_METRICS: readonly MetricSpec[] = [
  { ...V3_POD_GAUGE, name: 'pod_curr_energy_in_pkg_millijoule', scope: 'namespace', code: 'Cp', component: 'package', identity: V3_POD },
  { ...V3_POD_GAUGE, name: 'pod_curr_energy_in_dram_millijoule', scope: 'namespace', code: 'Cd', component: 'dram', identity: V3_POD },
  { ...V3_POD_GAUGE, name: 'pod_curr_energy_in_gpu_millijoule', scope: 'namespace', code: 'Cg', component: 'gpu', identity: V3_POD },
  { ...V3_NODE_GAUGE, name: 'node_curr_energy_in_pkg_joule', scope: 'node', code: 'CP', component: 'package', identity: [] },
  { ...V3_NODE_GAUGE, name: 'node_curr_energy_in_dram_joule', scope: 'node', code: 'CD', component: 'dram', identity: [] },
  { ...V3_NODE_GAUGE, name: 'node_curr_energy_in_gpu_joule', scope: 'node', code: 'CG', component: 'gpu', identity: [] },
];

/**
 * The catalogue, newest schema first. Deliberately absent: v0.10+ `kepler_node_cpu_joules_total`
 * (raw RAPL reading that wraps) and v0.4–v0.9 `kepler_container_joules_total` (mJ in v0.7.3,
 * truncated in v0.7.4–v0.7.10, uncore counted twice before v0.7.3); both still serve detection.
 */
export const SCHEMA_SPECS: readonly SchemaSpec[] = [
  {
    id: 'v0.10+',
    namespaceLabel: 'pod_namespace',
    podLabel: 'pod_name',
    buildInfo: 'kepler_build_info',
    fingerprints: ['kepler_build_info', 'kepler_node_cpu_joules_total', 'kepler_pod_cpu_joules_total', 'kepler_node_cpu_active_joules_total'],
    metrics: V10_METRICS,
  },
  {
    id: 'v0.4-v0.9',
    namespaceLabel: 'container_namespace',
    podLabel: 'pod_name',
    buildInfo: 'kepler_exporter_build_info',
    fingerprints: ['kepler_exporter_build_info', 'kepler_container_joules_total', 'kepler_container_package_joules_total', 'kepler_node_package_joules_total'],
    metrics: V4_METRICS,
  },
  {
    id: 'v0.3',
    namespaceLabel: 'pod_namespace',
    podLabel: 'pod_name',
    buildInfo: 'energy_stats_exporter_build_info',
    fingerprints: ['pod_curr_energy_in_pkg_millijoule', 'pod_curr_energy_millijoule', 'node_curr_energy_in_pkg_joule'],
    metrics: V3_METRICS,
  },
];

/** The spec of one schema. */
export function schemaSpec(id: SchemaId): SchemaSpec {
  const spec = SCHEMA_SPECS.find((s) => s.id === id);
  if (spec === undefined) throw new Error(`unknown Kepler schema '${String(id)}'`);
  return spec;
}

/** Accounted metric names of each schema (both scopes). */
export const METRIC_NAMES_BY_SCHEMA: Readonly<Record<SchemaId, readonly string[]>> = {
  'v0.3': schemaSpec('v0.3').metrics.map((m) => m.name),
  'v0.4-v0.9': schemaSpec('v0.4-v0.9').metrics.map((m) => m.name),
  'v0.10+': schemaSpec('v0.10+').metrics.map((m) => m.name),
};
