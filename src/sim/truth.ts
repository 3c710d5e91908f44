import type { HourRow } from '../core/types.js';
import { idleEnergy, overlaps, podEnergy, processEnd, processEnergy } from './energy.js';
import { nodeEnergy, readNode } from './kepler-state.js';
import { isExportedPod, type Scenario, type SimComponent, type SimPod } from './scenario.js';
import { ENDED_CONTAINER_RETENTION_SECONDS } from './kepler-state.js';
import { lastTick, successfulScrapes, timelineOf, type NodeTimeline } from './timeline.js';

/** Exact energy of one group in one clock hour, and the part of it no poller can see. */
export interface TruthRow extends HourRow {
  /**
   * Energy no poller can see: from the last tick a successful scrape saw to a Kepler restart, or, for an
   * ended pod whose series vanished before a scrape saw its final value, to its end (v0.4–v0.9 after a
   * gap longer than the 60 s retention, v0.3 when the last tick window was not scraped). Not included: a
   * restart that a poller cannot detect because the new counter is already above the old one (possible only
   * for a pod that started just before the restart). v0.10+ GPU process churn: what a GPU process used from
   * the last scrape that counted it to its exit while its pod ran on (the pod's counter, a sum over running
   * processes, never shows it): the information limit of pod GPU energy.
   */
  readonly unobservableJoules: number;
}

/** Ground truth of a scenario: per namespace-hour and per node-hour, in-scope components package + dram + gpu. */
export interface Truth {
  /** `labels` = [namespace]; only pods Kepler exports as pods in the scenario's schema. */
  readonly namespaces: readonly TruthRow[];
  /** `labels` = [node]; all pods and non-pod processes plus the node's idle baseline (the node-level families). */
  readonly nodes: readonly TruthRow[];
}

/** Options of {@link truth}. */
export interface TruthOptions {
  /** Default: the scenario start. Partial hours at the edges cover only the overlap. */
  readonly from?: number;
  /** Default: the scenario end. */
  readonly to?: number;
}

const COMPONENTS: readonly SimComponent[] = ['package', 'dram', 'gpu'];
const HOUR = 3600;

type Acc = Map<string, { hourStart: number; label: string; joules: number; unobservableJoules: number }>;

/** Adds f(a', b') for every clock-hour piece (a', b'] of (a, b] clipped to (from, to]. */
function perHour(from: number, to: number, a: number, b: number, add: (hourStart: number, a: number, b: number) => void): void {
  const lo = Math.max(a, from);
  const hi = Math.min(b, to);
  for (let h = Math.floor(lo / HOUR) * HOUR; h < hi; h += HOUR) {
    const x = Math.max(lo, h);
    const y = Math.min(hi, h + HOUR);
    if (y > x) add(h, x, y);
  }
}

function bump(acc: Acc, hourStart: number, label: string, field: 'joules' | 'unobservableJoules', joules: number): void {
  const key = `${hourStart}\u0000${label}`;
  let row = acc.get(key);
  if (row === undefined) acc.set(key, (row = { hourStart, label, joules: 0, unobservableJoules: 0 }));
  row[field] += joules;
}

const podJoules = (pod: SimPod, a: number, b: number): number => COMPONENTS.reduce((s, c) => s + podEnergy(pod, c, a, b), 0);

function nodeJoules(nt: NodeTimeline, a: number, b: number): number {
  const j = nodeEnergy(nt, a, b);
  return j.package + j.dram + j.gpu;
}

/** How long after its end a pod's final value may still be scraped, seconds. */
function retention(scenario: Scenario): number {
  if (scenario.schema === 'v0.4-v0.9') return ENDED_CONTAINER_RETENTION_SECONDS;
  return scenario.schema === 'v0.3' ? scenario.tickSeconds : 0;
}

/** Exact energy per namespace-hour and node-hour (no tick lag), with the unobservable part of each. */
export function truth(scenario: Scenario, options: TruthOptions = {}): Truth {
  const from = options.from ?? scenario.start;
  const to = options.to ?? scenario.end;
  const namespaces: Acc = new Map();
  const nodes: Acc = new Map();
  const timeline = timelineOf(scenario);
  for (const nt of timeline.nodes) {
    for (const pod of nt.pods) {
      if (!overlaps(pod, from, to)) continue;
      const exported = isExportedPod(scenario.schema, pod);
      perHour(from, to, pod.start, pod.end ?? Infinity, (h, a, b) => {
        const joules = podJoules(pod, a, b);
        bump(nodes, h, nt.node.name, 'joules', joules);
        if (exported) bump(namespaces, h, pod.namespace, 'joules', joules);
      });
    }
    perHour(from, to, from, to, (h, a, b) => {
      bump(nodes, h, nt.node.name, 'joules', COMPONENTS.reduce((s, c) => s + idleEnergy(nt.node, c, a, b), 0));
    });
    addUnobservable(scenario, nt, from, to, namespaces, nodes);
  }
  const rows = (acc: Acc): TruthRow[] =>
    [...acc.values()]
      .sort((x, y) => x.hourStart - y.hourStart || (x.label < y.label ? -1 : x.label > y.label ? 1 : 0))
      .map((r) => ({ hourStart: r.hourStart, labels: [r.label], joules: r.joules, unobservableJoules: r.unobservableJoules }));
  return { namespaces: rows(namespaces), nodes: rows(nodes) };
}

/** Per Kepler instance: the GPU processes that exited while their pod ran, from their last scrape to their exit. */
function addUnseenProcesses(
  scenario: Scenario,
  nt: NodeTimeline,
  r: number,
  next: number | undefined,
  finalTick: number,
  seen: ReadonlyMap<object, number>,
  from: number,
  to: number,
  namespaces: Acc,
): void {
  for (const pod of nt.pods) {
    for (const g of pod.gpuProcesses ?? []) {
      const exit = processEnd(pod, g);
      // Exits with the pod are in its terminated export; an exit in the last instance counts once a scrape has followed it.
      if (exit === pod.end || exit <= r || exit > (next ?? Infinity) || exit + scenario.scrapeIntervalSeconds >= finalTick) continue;
      const since = seen.get(g) ?? Math.max(g.start, r);
      perHour(from, to, since, exit, (h, a, b) => bump(namespaces, h, pod.namespace, 'unobservableJoules', processEnergy(pod, g, a, b)));
    }
  }
}

/** Per Kepler instance: what its counters held that no successful scrape ever saw. */
function addUnobservable(scenario: Scenario, nt: NodeTimeline, from: number, to: number, namespaces: Acc, nodes: Acc): void {
  const starts = nt.epochStarts;
  const finalTick = lastTick(scenario, nt, scenario.end);
  for (let i = 0; i < starts.length; i++) {
    const r = starts[i]!;
    const next = starts[i + 1];
    if ((next ?? Infinity) <= scenario.start || r >= scenario.end) continue;
    const lastSeen = new Map<SimPod, number>();
    const processSeen = new Map<object, number>();
    let lastNodeTick = r;
    for (const scrape of successfulScrapes(scenario, nt, Math.max(r, scenario.start - 1), Math.min(next ?? Infinity, scenario.end))) {
      if (next !== undefined && scrape.time >= next) break;
      const reading = readNode(scenario, nt, scrape.time, scrape.previous);
      if (reading.epochStart !== r) continue;
      lastNodeTick = reading.tick;
      for (const p of reading.pods) {
        lastSeen.set(p.pod, reading.tick);
        for (const g of p.pod.gpuProcesses ?? []) if (g.start < reading.tick && processEnd(p.pod, g) > reading.tick) processSeen.set(g, reading.tick);
      }
    }
    if (scenario.schema === 'v0.10+') addUnseenProcesses(scenario, nt, r, next, finalTick, processSeen, from, to, namespaces);
    for (const pod of nt.pods) {
      if (!isExportedPod(scenario.schema, pod) || !overlaps(pod, r, next ?? Infinity)) continue;
      const end = pod.end ?? Infinity;
      // In the last instance only a pod whose series is gone for good has lost energy; the rest is lag.
      if (next === undefined && !(end + retention(scenario) + scenario.scrapeIntervalSeconds < finalTick)) continue;
      perHour(from, to, lastSeen.get(pod) ?? r, Math.min(end, next ?? Infinity), (h, a, b) => {
        bump(namespaces, h, pod.namespace, 'unobservableJoules', podJoules(pod, a, b));
      });
    }
    if (next !== undefined) {
      perHour(from, to, lastNodeTick, next, (h, a, b) => bump(nodes, h, nt.node.name, 'unobservableJoules', nodeJoules(nt, a, b)));
    }
  }
}
