import { idleEnergy, overlaps, podEnergy, processEnd, processEnergy } from './energy.js';
import { isExportedPod, type Scenario, type SimComponent, type SimNode, type SimPod } from './scenario.js';
import { epochStart, lastTick, type NodeTimeline } from './timeline.js';

/** Joules per component. */
export type Joules = Record<SimComponent, number>;

/** What Kepler knows about one exported pod at a tick. */
export interface PodReading {
  readonly pod: SimPod;
  readonly state: 'running' | 'terminated';
  /** Energy since the Kepler instance started (the counter value). */
  readonly total: Joules;
  /** Energy of the last tick window. */
  readonly window: Joules;
  /**
   * v0.10+ pod GPU counter: the sum over the GPU processes running at the tick of their energy since
   * the instance started (the whole GPU energy for a pod without processes).
   */
  readonly gpuSum: number;
  /** v0.10+ pod GPU power: the running processes' energy in the last tick window over its length. */
  readonly gpuWatts: number;
}

/** What Kepler on one node exports at a tick. */
export interface NodeReading {
  readonly node: SimNode;
  /** The tick whose state is served. */
  readonly tick: number;
  /** Start of the running Kepler instance. */
  readonly epochStart: number;
  /** Length of the last tick window, seconds (0 right after a start). */
  readonly windowSeconds: number;
  readonly pods: readonly PodReading[];
  /** Energy of all pods and non-pod processes since the instance started. */
  readonly active: Joules;
  /** Energy outside any process (the idle baseline) since the instance started. */
  readonly idle: Joules;
  readonly activeWindow: Joules;
  readonly idleWindow: Joules;
  /** Node energy since the first instance started (never reset; the raw RAPL counter counts it). */
  sinceBoot(): Joules;
}

/** How long v0.4–v0.9 keeps exporting an ended container, seconds. */
export const ENDED_CONTAINER_RETENTION_SECONDS = 60;

const COMPONENTS: readonly SimComponent[] = ['package', 'dram', 'gpu'];

function joules(f: (c: SimComponent) => number): Joules {
  return { package: f('package'), dram: f('dram'), gpu: f('gpu') };
}

/**
 * State Kepler serves to a scrape at `scrapeTime` (the last tick ≤ it). `previousScrape` is the previous
 * successful scrape: v0.10+ exports a terminated pod only at the first scrape that follows its end.
 */
export function readNode(scenario: Scenario, nt: NodeTimeline, scrapeTime: number, previousScrape: number): NodeReading {
  const r = epochStart(nt, scrapeTime);
  const tau = lastTick(scenario, nt, scrapeTime);
  const windowStart = Math.max(r, tau - scenario.tickSeconds);
  const previousTick = previousScrape < r ? -Infinity : lastTick(scenario, nt, previousScrape);
  const pods: PodReading[] = [];
  const active = joules(() => 0);
  const activeWindow = joules(() => 0);
  for (const pod of nt.pods) {
    // Right after a (re)start Kepler has no sample yet: nothing is attributed before its first tick.
    if (tau <= r || !overlaps(pod, r, tau)) continue;
    const total = joules((c) => podEnergy(pod, c, r, tau));
    const window = joules((c) => podEnergy(pod, c, windowStart, tau));
    for (const c of COMPONENTS) {
      active[c] += total[c];
      activeWindow[c] += window[c];
    }
    const state = visibility(scenario, pod, tau, previousTick);
    if (state !== undefined && isExportedPod(scenario.schema, pod)) {
      const seconds = tau - windowStart;
      let gpuSum = total.gpu;
      let gpuWindow = window.gpu;
      if (pod.gpuProcesses !== undefined) {
        // A process counts while it runs at the tick; a terminated pod shows the processes that ran to its end.
        const ended = (pod.end ?? Infinity) <= tau;
        const running = pod.gpuProcesses.filter((p) =>
          ended ? p.start < pod.end! && processEnd(pod, p) === pod.end : p.start < tau && processEnd(pod, p) > tau,
        );
        gpuSum = running.reduce((s, p) => s + processEnergy(pod, p, r, tau), 0);
        gpuWindow = running.reduce((s, p) => s + processEnergy(pod, p, windowStart, tau), 0);
      }
      pods.push({ pod, state, total, window, gpuSum, gpuWatts: seconds > 0 ? gpuWindow / seconds : 0 });
    }
  }
  return {
    node: nt.node,
    tick: tau,
    epochStart: r,
    windowSeconds: tau - windowStart,
    pods,
    active,
    idle: joules((c) => idleEnergy(nt.node, c, r, tau)),
    activeWindow,
    idleWindow: joules((c) => idleEnergy(nt.node, c, windowStart, tau)),
    sinceBoot: () => nodeEnergy(nt, nt.node.keplerStart, tau),
  };
}

/** Energy of the whole node (pods, non-pod processes, idle baseline) in (a, b]. */
export function nodeEnergy(nt: NodeTimeline, a: number, b: number): Joules {
  const sum = joules((c) => idleEnergy(nt.node, c, a, b));
  for (const pod of nt.pods) {
    if (overlaps(pod, a, b)) for (const c of COMPONENTS) sum[c] += podEnergy(pod, c, a, b);
  }
  return sum;
}

/** Whether (and how) a pod alive in the current instance is exported at tick tau. */
function visibility(scenario: Scenario, pod: SimPod, tau: number, previousTick: number): PodReading['state'] | undefined {
  const end = pod.end ?? Infinity;
  switch (scenario.schema) {
    case 'v0.10+':
      if (end > tau) return 'running';
      return end > previousTick ? 'terminated' : undefined;
    case 'v0.4-v0.9':
      return end + ENDED_CONTAINER_RETENTION_SECONDS > tau ? 'running' : undefined;
    case 'v0.3':
      return end > tau - scenario.tickSeconds ? 'running' : undefined;
  }
}
