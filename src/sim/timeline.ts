import type { Scenario, SimNode, SimPod } from './scenario.js';

/** Per-node facts derived once from a scenario: pods, Kepler epochs, scrape schedule. */
export interface NodeTimeline {
  readonly node: SimNode;
  /** Pods on the node, all kinds. */
  readonly pods: readonly SimPod[];
  /** Start of each Kepler instance, ascending (the first is `keplerStart`). */
  readonly epochStarts: readonly number[];
  /** Restart outage windows `[start, end)` of this node's Kepler. */
  readonly outages: readonly (readonly [number, number])[];
}

/** Derived view of a scenario, cached per scenario object. */
export interface Timeline {
  readonly scenario: Scenario;
  readonly nodes: readonly NodeTimeline[];
  node(name: string): NodeTimeline;
}

const cache = new WeakMap<Scenario, Timeline>();

/** Builds (or returns the cached) timeline of a scenario. */
export function timelineOf(scenario: Scenario): Timeline {
  let timeline = cache.get(scenario);
  if (timeline !== undefined) return timeline;
  const nodes = scenario.nodes.map((node): NodeTimeline => {
    const restarts = scenario.restarts.filter((r) => r.node === node.name).sort((a, b) => a.time - b.time);
    return {
      node,
      pods: scenario.pods.filter((p) => p.node === node.name),
      epochStarts: [node.keplerStart, ...restarts.map((r) => r.time)],
      outages: restarts.map((r) => [r.time, r.time + r.downSeconds] as const),
    };
  });
  const byName = new Map(nodes.map((n) => [n.node.name, n]));
  timeline = {
    scenario,
    nodes,
    node: (name) => {
      const found = byName.get(name);
      if (found === undefined) throw new Error(`failed to find node: ${name} is not in the scenario`);
      return found;
    },
  };
  cache.set(scenario, timeline);
  return timeline;
}

/** Start of the Kepler instance running at t. */
export function epochStart(nt: NodeTimeline, t: number): number {
  let start = nt.epochStarts[0]!;
  for (const s of nt.epochStarts) if (s <= t) start = s;
  return start;
}

/** Time of Kepler's last tick at or before t (ticks run every tickSeconds from the instance's start). */
export function lastTick(scenario: Scenario, nt: NodeTimeline, t: number): number {
  const r = epochStart(nt, t);
  return r + Math.floor((t - r) / scenario.tickSeconds + 1e-9) * scenario.tickSeconds;
}

/** Time in ms of scheduled scrape number j of a node (j may be negative: scrapes before the scenario). */
function scrapeMs(scenario: Scenario, nt: NodeTimeline, j: number): number {
  return Math.round(scenario.start * 1000) + nt.node.scrapePhaseMs + j * Math.round(scenario.scrapeIntervalSeconds * 1000);
}

/** Whether a scrape at t stores samples: not in a gap and Kepler not restarting. */
export function scrapeSucceeds(scenario: Scenario, nt: NodeTimeline, t: number): boolean {
  for (const g of scenario.gaps) if (t >= g.start && t < g.end) return false;
  for (const [a, b] of nt.outages) if (t >= a && t < b) return false;
  return true;
}

/** Index of the first scheduled scrape at or after t. */
function firstScrapeIndexAtOrAfter(scenario: Scenario, nt: NodeTimeline, t: number): number {
  const intervalMs = Math.round(scenario.scrapeIntervalSeconds * 1000);
  return Math.ceil((Math.round(t * 1000) - scrapeMs(scenario, nt, 0)) / intervalMs);
}

/** One successful scrape: its time and the time of the previous successful one (seconds). */
export interface ScrapeAt {
  readonly time: number;
  readonly previous: number;
}

/**
 * Successful scrapes of a node with time in (from, to], ascending, each with its previous successful
 * scrape (scrapes before the scenario start are assumed to have succeeded).
 */
export function* successfulScrapes(scenario: Scenario, nt: NodeTimeline, from: number, to: number): Generator<ScrapeAt> {
  const endMs = Math.min(Math.round(to * 1000), Math.round(scenario.end * 1000));
  let j = Math.max(0, firstScrapeIndexAtOrAfter(scenario, nt, from));
  if (scrapeMs(scenario, nt, j) <= Math.round(from * 1000)) j++;
  let previous = previousSuccessful(scenario, nt, j);
  for (; scrapeMs(scenario, nt, j) <= endMs; j++) {
    const time = scrapeMs(scenario, nt, j) / 1000;
    if (!scrapeSucceeds(scenario, nt, time)) continue;
    yield { time, previous };
    previous = time;
  }
}

function previousSuccessful(scenario: Scenario, nt: NodeTimeline, j: number): number {
  for (let k = j - 1; ; k--) {
    const time = scrapeMs(scenario, nt, k) / 1000;
    if (k < 0 || scrapeSucceeds(scenario, nt, time)) return time;
  }
}
