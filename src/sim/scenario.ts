import type { SchemaId } from '../core/types.js';

/**
 * A simulated cluster running Kepler, as plain data (tests may write one by hand).
 *
 * Model: every pod draws piecewise-constant power per component (package, dram, optional gpu).
 * Kepler on each node ticks every `tickSeconds` from its (re)start; at a tick τ each pod's counter is the
 * exact integral of its power since the Kepler instance started (counters restart from 0 at every
 * Kepler restart; energy after the last tick before a restart is never counted). A scrape at time s sees
 * the state of the last tick ≤ s. Prometheus scrapes each node every `scrapeIntervalSeconds` at a per-node
 * phase; scrapes inside a gap, or while a Kepler restart is in progress, store nothing. Node counters are
 * the sum of all the node's pods (pseudo containers included) plus an idle baseline.
 * Which pods a scrape shows: v0.10+ running pods, and an ended pod once, `state="terminated"`, at the first
 * successful scrape after its end; v0.4–v0.9 pods until 60 s after their end; v0.3 pods alive during the
 * last tick window. All times are unix seconds; the simulator never reads the clock.
 */
export interface Scenario {
  readonly schema: SchemaId;
  /** Start of the simulated period (first scrape round), unix seconds. */
  readonly start: number;
  /** End of the simulated period, unix seconds. */
  readonly end: number;
  /** Kepler's sampling period: 3 s for v0.3 and v0.4–v0.9, 5 s for v0.10+. */
  readonly tickSeconds: number;
  readonly scrapeIntervalSeconds: number;
  readonly nodes: readonly SimNode[];
  readonly namespaces: readonly string[];
  readonly pods: readonly SimPod[];
  readonly restarts: readonly KeplerRestart[];
  readonly gaps: readonly ScrapeGap[];
  /** Whether Kepler exports GPU families. */
  readonly gpu: boolean;
  /**
   * The Kepler release imitated where releases of one schema differ in what they export: v0.4–v0.9
   * `kepler_exporter_build_info` labels (`v0.4` … `v0.9.0`; default v0.7.12). Other schemas ignore it.
   */
  readonly keplerVersion?: string;
}

/** One node and its Kepler exporter. */
export interface SimNode {
  readonly name: string;
  /** When the Kepler instance running at `Scenario.start` started (≤ start). */
  readonly keplerStart: number;
  /** Offset of this node's scrapes within the scrape interval, milliseconds. */
  readonly scrapePhaseMs: number;
  /** Power drawn by the node outside any pod, watts. */
  readonly idleWatts: ComponentWatts;
  /** Initial raw RAPL reading (v0.10+ `kepler_node_cpu_joules_total`), joules. */
  readonly raplOffsetJoules: number;
  /**
   * v0.10+: the node has no RAPL and Kepler reads hwmon (`--experimental.hwmon.enabled`): one zone named
   * after the sensor, `cpu_power`, measuring package and DRAM together. Default: RAPL zones.
   */
  readonly hwmon?: boolean;
}

/** Energy components a pod draws power on. */
export type SimComponent = 'package' | 'dram' | 'gpu';

/** Watts per component; `gpu` absent means no GPU. */
export interface ComponentWatts {
  readonly package: number;
  readonly dram: number;
  readonly gpu?: number;
}

/**
 * Piecewise-constant power: segment i lasts from `times[i]` to `times[i + 1]` (the last one until the
 * pod ends). `times[0]` is the pod's start.
 */
export interface PowerProfile {
  readonly times: readonly number[];
  readonly package: readonly number[];
  readonly dram: readonly number[];
  readonly gpu?: readonly number[];
}

/**
 * One GPU process of a pod, at constant power. It runs in `[start, end)`, `end` absent: until the pod ends.
 * Kepler v0.10+ exports a pod's GPU energy as the sum over its *running* processes, so when one exits
 * while others run the pod's counter drops to the survivors' energy.
 */
export interface GpuProcess {
  readonly start: number;
  readonly end?: number;
  readonly watts: number;
}

/**
 * A pod (one container). `system` and `kernel` are Kepler's pseudo containers for non-pod processes:
 * pods in v0.3 (`system` only) and v0.4–v0.9, part of the node's active energy only in v0.10+.
 */
export interface SimPod {
  readonly kind: 'workload' | 'system' | 'kernel';
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  readonly uid: string;
  readonly containerName: string;
  readonly containerId: string;
  /** Process name Kepler reports (v0.3 `command`, at most 10 characters). */
  readonly command: string;
  readonly start: number;
  /** When the pod ended; undefined while it runs to the end of the scenario. */
  readonly end?: number;
  readonly profile: PowerProfile;
  /** GPU processes; when present they, not `profile.gpu`, are the pod's GPU power. */
  readonly gpuProcesses?: readonly GpuProcess[];
}

/** Kepler on `node` restarts at `time`: its counters start again from 0; it serves nothing for `downSeconds`. */
export interface KeplerRestart {
  readonly node: string;
  readonly time: number;
  readonly downSeconds: number;
}

/** Prometheus stores no sample in `[start, end)` (for any node). */
export interface ScrapeGap {
  readonly start: number;
  readonly end: number;
}

/** Kepler's default sampling period for a schema, seconds. */
export function defaultTickSeconds(schema: SchemaId): number {
  return schema === 'v0.10+' ? 5 : 3;
}

/** Whether Kepler exports this pod as a pod/container series in the scenario's schema. */
export function isExportedPod(schema: SchemaId, pod: SimPod): boolean {
  if (pod.kind === 'workload') return true;
  if (schema === 'v0.10+') return false;
  return schema === 'v0.4-v0.9' || pod.kind === 'system';
}
