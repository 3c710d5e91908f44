import type { SchemaId } from '../core/types.js';
import { gpuProcessesFor } from './gpu-processes.js';
import { createRng, type Rng } from './prng.js';
import { defaultTickSeconds, isExportedPod, type PowerProfile, type Scenario, type ScrapeGap, type SimNode, type SimPod } from './scenario.js';

/** Options of {@link generateScenario}; every field has a default. */
export interface ScenarioOptions {
  /** PRNG seed; the same options always give the same scenario. Default 1. */
  readonly seed?: number;
  /** Unix seconds. Default 1767225600 (2026-01-01T00:00:00Z). */
  readonly start?: number;
  /** Default 26 h. */
  readonly durationSeconds?: number;
  /** A count (nodes `worker-1`…) or names. Default 3. */
  readonly nodes?: number | readonly string[];
  /** A count or names. Default 12. */
  readonly namespaces?: number | readonly string[];
  /** Long-lived pods per namespace (some are replaced during the run). Default 3. */
  readonly podsPerNamespace?: number;
  /** Short-lived pods (20 s to 10 min, some shorter than one scrape interval) started per hour. Default 6. */
  readonly churn?: number;
  /** A count of random Kepler restarts, or explicit ones. Default 0. */
  readonly restarts?: number | readonly { readonly node: string; readonly time: number; readonly downSeconds?: number }[];
  /** A count of random scrape gaps (1 to 15 min), or explicit ones. Default 0. */
  readonly gaps?: number | readonly ScrapeGap[];
  /** Default `v0.10+`. */
  readonly schema?: SchemaId;
  /** Default 15. */
  readonly scrapeIntervalSeconds?: number;
  /** Kepler's tick; default 3 s (v0.3, v0.4–v0.9) or 5 s (v0.10+). */
  readonly tickSeconds?: number;
  /** Whether nodes have GPUs and some pods use them. Default false. */
  readonly gpu?: boolean;
  /** Whether each node runs Kepler's `system`/`kernel` pseudo containers. Default true. */
  readonly systemPods?: boolean;
  /** How long a restarting Kepler serves nothing. Default 15 s. */
  readonly restartDownSeconds?: number;
  /**
   * With `gpu`: GPU pods run GPU processes that come and go (see `gpu-processes.ts`), so a v0.10+ pod's
   * GPU counter drops when one exits while others run. Drawn from a separate random stream: the rest of
   * the scenario is the same as without. Default false.
   */
  readonly gpuProcesses?: boolean;
  /** Nodes whose Kepler reads hwmon instead of RAPL (zone `cpu_power`, v0.10+). Default none. */
  readonly hwmonNodes?: readonly string[];
}

const NAMESPACES = [
  'kube-system', 'monitoring', 'shop', 'payments', 'search', 'batch',
  'ml-training', 'web', 'analytics', 'auth', 'logging', 'ingress',
];
const APPS = ['web', 'api', 'worker', 'postgres', 'redis', 'gateway', 'scheduler', 'indexer', 'exporter', 'frontend'];
const ms = (t: number): number => Math.round(t * 1000) / 1000;

function names(spec: number | readonly string[], make: (i: number) => string): string[] {
  return typeof spec === 'number' ? Array.from({ length: spec }, (_, i) => make(i)) : [...spec];
}

function profile(rng: Rng, start: number, end: number, scenarioStart: number, baseWatts: number, gpuWatts: number | undefined): PowerProfile {
  const times: number[] = [start];
  const pkg: number[] = [];
  const dram: number[] = [];
  const gpu: number[] = [];
  const push = (factor: number): void => {
    pkg.push(baseWatts * factor);
    dram.push(baseWatts * factor * rng.uniform(0.1, 0.25));
    if (gpuWatts !== undefined) gpu.push(gpuWatts * rng.uniform(0.3, 1.2));
  };
  push(1);
  // Before the simulated period one constant segment is enough; inside it power changes every 2–8 min.
  let t = Math.max(start, scenarioStart);
  if (t > start) {
    times.push(t);
    push(rng.uniform(0.4, 1.6));
  }
  for (t += rng.uniform(120, 480); t < end; t += rng.uniform(120, 480)) {
    times.push(ms(t));
    push(rng.uniform(0.4, 1.6));
  }
  return gpuWatts === undefined ? { times, package: pkg, dram } : { times, package: pkg, dram, gpu };
}

/** A deterministic simulated cluster (see {@link Scenario} for the model). */
export function generateScenario(options: ScenarioOptions = {}): Scenario {
  const rng = createRng(options.seed ?? 1);
  const schema = options.schema ?? 'v0.10+';
  const start = options.start ?? 1767225600;
  const end = start + (options.durationSeconds ?? 26 * 3600);
  const scrapeIntervalSeconds = options.scrapeIntervalSeconds ?? 15;
  const tickSeconds = options.tickSeconds ?? defaultTickSeconds(schema);
  const gpu = options.gpu ?? false;
  const nodeNames = names(options.nodes ?? 3, (i) => `worker-${i + 1}`);
  const namespaces = names(options.namespaces ?? 12, (i) => NAMESPACES[i] ?? `ns-${i + 1}`);

  const nodes: SimNode[] = nodeNames.map((name) => ({
    name,
    keplerStart: ms(start - rng.uniform(600, 3 * 86400)),
    scrapePhaseMs: rng.int(0, scrapeIntervalSeconds * 1000 - 1),
    idleWatts: gpu
      ? { package: rng.uniform(15, 30), dram: rng.uniform(2, 5), gpu: rng.uniform(30, 60) }
      : { package: rng.uniform(15, 30), dram: rng.uniform(2, 5) },
    raplOffsetJoules: rng.uniform(0, 200000),
  }));

  const pods: SimPod[] = [];
  const addPod = (
    namespace: string,
    node: string,
    podStart: number,
    podEnd: number | undefined,
    kind: SimPod['kind'] = 'workload',
    forceGpu = false,
  ): void => {
    const app = kind === 'workload' ? rng.pick(APPS) : `${kind}_processes`;
    const name = kind === 'workload' ? `${app}-${rng.hex(10)}-${rng.hex(5)}` : app;
    const base = kind === 'workload' ? Math.exp(rng.uniform(Math.log(0.5), Math.log(25))) : rng.uniform(2, 8);
    const gpuWatts = gpu && kind === 'workload' && (forceGpu || rng.next() < 0.15) ? rng.uniform(30, 200) : undefined;
    pods.push({
      kind,
      namespace,
      name,
      node,
      uid: rng.uuid(),
      containerName: app,
      containerId: rng.hex(64),
      command: kind === 'kernel' ? 'kworker/u8' : app.slice(0, 10),
      start: podStart,
      ...(podEnd === undefined ? {} : { end: podEnd }),
      profile: profile(rng, podStart, Math.min(podEnd ?? end, end), start, base, gpuWatts),
    });
  };

  if (options.systemPods ?? true) {
    for (const node of nodes) {
      addPod('system', node.name, node.keplerStart - 3600, undefined, 'system');
      addPod('kernel', node.name, node.keplerStart - 3600, undefined, 'kernel');
    }
  }
  for (const namespace of namespaces) {
    for (let i = 0; i < (options.podsPerNamespace ?? 3); i++) {
      const node = rng.pick(nodeNames);
      const podStart = ms(start - rng.uniform(3600, 5 * 86400));
      if (rng.next() < 0.3) {
        // A rollout: the pod is replaced during the run by a new one (new name and uid), maybe on another node.
        const replaced = ms(rng.uniform(start + 600, end - 600));
        addPod(namespace, node, podStart, replaced);
        addPod(namespace, rng.pick(nodeNames), ms(replaced + rng.uniform(1, 20)), undefined);
      } else {
        addPod(namespace, node, podStart, undefined);
      }
    }
  }
  if (gpu) {
    // Every GPU node runs at least one long-lived GPU workload.
    for (const node of nodes) addPod(rng.pick(namespaces), node.name, ms(start - rng.uniform(3600, 86400)), undefined, 'workload', true);
  }
  const churnCount = Math.round((options.churn ?? 6) * ((end - start) / 3600));
  for (let i = 0; i < churnCount; i++) {
    const podStart = ms(rng.uniform(start, end));
    const short = rng.next() < 0.25 && scrapeIntervalSeconds > 2 * tickSeconds;
    const life = short ? rng.uniform(2 * tickSeconds, scrapeIntervalSeconds) : Math.exp(rng.uniform(Math.log(20), Math.log(600)));
    addPod(rng.pick(namespaces), rng.pick(nodeNames), podStart, ms(podStart + life));
  }

  const restartDown = options.restartDownSeconds ?? 15;
  const restarts =
    typeof options.restarts === 'object'
      ? options.restarts.map((r) => ({ node: r.node, time: r.time, downSeconds: r.downSeconds ?? restartDown }))
      : Array.from({ length: options.restarts ?? 0 }, () => ({
          node: rng.pick(nodeNames),
          time: ms(rng.uniform(start + 600, end - 600)),
          downSeconds: restartDown,
        }));
  const gaps =
    typeof options.gaps === 'object'
      ? [...options.gaps]
      : Array.from({ length: options.gaps ?? 0 }, () => {
          const gapStart = ms(rng.uniform(start + 600, end - 1200));
          return { start: gapStart, end: ms(gapStart + rng.uniform(60, 900)) };
        });

  const hwmon = new Set(options.hwmonNodes ?? []);
  const finalNodes = hwmon.size === 0 ? nodes : nodes.map((n) => (hwmon.has(n.name) ? { ...n, hwmon: true } : n));
  let finalPods = pods;
  if (gpu && options.gpuProcesses === true) {
    const processRng = createRng(((options.seed ?? 1) * 2654435761 + 97) >>> 0);
    finalPods = pods.map((p) => (p.profile.gpu === undefined ? p : { ...p, gpuProcesses: gpuProcessesFor(processRng, p, start, end) }));
  }
  // Workload namespaces plus the pseudo namespaces the schema exports (system, kernel).
  const allNamespaces = [...new Set([...namespaces, ...finalPods.filter((p) => isExportedPod(schema, p)).map((p) => p.namespace)])];
  return { schema, start, end, tickSeconds, scrapeIntervalSeconds, nodes: finalNodes, namespaces: allNamespaces, pods: finalPods, restarts, gaps, gpu };
}
