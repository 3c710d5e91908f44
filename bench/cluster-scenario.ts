/**
 * The 10k-series cluster of the restore benches as a simulator scenario (Kepler v0.10+, no churn, no
 * restarts, no gaps): 4,800 pods over 100 nodes and `namespace-0…4799` of 5,000 namespaces, constant
 * power per pod, scraped every 30 s. The accounted series are the same as `kepler-series.ts` writes
 * (9,600 pod series in zones package and dram, 400 node series), beside the zones the selectors leave out.
 */
import type { Scenario, SimNode, SimPod } from '../src/sim/index.js';

const NODES = 100;
const PODS = 4800;
/** Namespaces the cluster knows (pods run in the first {@link PODS}). */
export const CLUSTER_NAMESPACES = 5000;

const hex = (i: number, width: number): string => i.toString(16).padStart(width, '0');

/**
 * The cluster from `start` to `end` (unix seconds); Kepler and every pod started an hour before `start`.
 * `size` shrinks it (tests).
 */
export function clusterScenario(start: number, end: number, size: { readonly nodes: number; readonly pods: number } = { nodes: NODES, pods: PODS }): Scenario {
  const born = start - 3600;
  const nodes: SimNode[] = Array.from({ length: size.nodes }, (_, n) => ({
    name: `worker-${n}`,
    keplerStart: born,
    scrapePhaseMs: (n * 293) % 30_000,
    idleWatts: { package: 20 + n, dram: 5 },
    raplOffsetJoules: 0,
  }));
  const pods: SimPod[] = Array.from({ length: size.pods }, (_, p) => ({
    kind: 'workload',
    namespace: `namespace-${p % CLUSTER_NAMESPACES}`,
    name: `app-${hex(p, 6)}`,
    node: `worker-${p % size.nodes}`,
    uid: `${hex(p, 8)}-0000-4000-8000-${hex(p * 7919, 12)}`,
    containerName: 'app',
    containerId: hex(p, 16),
    command: 'app',
    start: born,
    profile: { times: [born], package: [1 + (p % 37)], dram: [0.2 + (p % 7) / 10] },
  }));
  return {
    schema: 'v0.10+',
    start,
    end,
    tickSeconds: 5,
    scrapeIntervalSeconds: 30,
    nodes,
    namespaces: Array.from({ length: CLUSTER_NAMESPACES }, (_, i) => `namespace-${i}`),
    pods,
    restarts: [],
    gaps: [],
    gpu: false,
  };
}
