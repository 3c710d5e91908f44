import { beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/core/ledger/index.js';
import { generateScenario, SimulatedPrometheus, truth, type Scenario, type SimPod } from '../../src/sim/index.js';
import { chunkedReads, feedLedger, pollReads } from './feed.js';

const H = 3600;
const START = 1767225600; // 2026-01-01T00:00:00Z
const ORIGIN = START + H;
const HOURS = 24;
const END = ORIGIN + HOURS * H;
const NAMESPACE = 'stateful';
const POD_GAUGES = ['pod_curr_energy_in_pkg_millijoule', 'pod_curr_energy_in_dram_millijoule', 'pod_curr_energy_in_gpu_millijoule'];

/** Lives of the StatefulSet pod `db-0`: [hours, node]. It comes back to a node it left hours before. */
const LIVES: readonly (readonly [number, string])[] = [
  [3, 'worker-1'], [2.5, 'worker-2'], [4, 'worker-3'], [2, 'worker-1'], [3.5, 'worker-2'],
  [3, 'worker-3'], [2.5, 'worker-1'], [4, 'worker-2'], [3, 'worker-3'], [2, 'worker-1'],
];
/** Seconds between one life's end and the next one's start (the pod is rescheduled). */
const RESCHEDULE_SECONDS = 40;

/** The pod `db-0` of one life: the same name, a new uid, power changing every 20 minutes. */
function life(index: number, start: number, end: number, node: string): SimPod {
  const times: number[] = [];
  const pkg: number[] = [];
  const dram: number[] = [];
  for (let t = start, k = 0; t < end; t += 1200, k++) {
    times.push(t);
    pkg.push(8 + ((index * 7 + k * 3) % 11));
    dram.push(1 + ((index + k) % 3));
  }
  return {
    kind: 'workload',
    namespace: NAMESPACE,
    name: 'db-0',
    node,
    uid: `db-0-uid-${index}`,
    containerName: 'postgres',
    containerId: `db-0-cid-${index}`,
    command: 'postgres',
    start,
    end,
    profile: { times, package: pkg, dram },
  };
}

/** A v0.3 cluster (15 s scrapes, usual churn) plus `db-0` restarting under its name every few hours on another node. */
function scenarioWithStatefulPod(): Scenario {
  const base = generateScenario({ schema: 'v0.3', seed: 5, nodes: 3, namespaces: 4, start: START, durationSeconds: (HOURS + 2) * H });
  const pods: SimPod[] = [];
  let t = START - H;
  LIVES.forEach(([hours, node], i) => {
    pods.push(life(i, t, t + hours * H, node));
    t += hours * H + RESCHEDULE_SECONDS;
  });
  return { ...base, namespaces: [...base.namespaces, NAMESPACE], pods: [...base.pods, ...pods] };
}

/** Joules of `namespace` in `(ORIGIN, END]`. */
function ledgerJoules(ledger: Ledger, namespace: string): number {
  return ledger.hours('namespace', ORIGIN, END).reduce((s, r) => (r.labels[0] === namespace ? s + r.joules : s), 0);
}

/**
 * What booking every gauge sample over the interval since its own series' previous sample gives (the rule
 * before issue 13): the pod's silence on a node between two of its lives is booked at the returning power.
 */
async function ownIntervalJoules(source: SimulatedPrometheus, s: Scenario, namespace: string): Promise<number> {
  let joules = 0;
  for (const selector of POD_GAUGES) {
    for (const series of await source.fetchRange({ selector: `${selector}{pod_namespace="${namespace}"}`, start: START, end: END })) {
      for (let i = 1; i < series.timestamps.length; i++) {
        const a = Math.max(series.timestamps[i - 1]!, ORIGIN);
        const b = series.timestamps[i]!;
        if (b > ORIGIN) joules += (series.values[i]! / 1000) * ((b - a) / s.tickSeconds);
      }
    }
  }
  return joules;
}

/**
 * Issue 13 part 3: a v0.3 gauge sample stands for the interval since its node's previous scrape, never for
 * its series' own silence. A StatefulSet pod keeps its name, so when it comes back to a node it ran on
 * hours before, its gauge series (node, namespace, pod) returns after a silence of hours.
 */
describe('the ledger on a v0.3 cluster where a pod restarts under the same name on another node every few hours', () => {
  let scenario: Scenario;
  let source: SimulatedPrometheus;
  let backfilled: Ledger;
  let polled: Ledger;
  let exact: number;

  beforeAll(async () => {
    scenario = scenarioWithStatefulPod();
    source = new SimulatedPrometheus(scenario);
    backfilled = await feedLedger(source, ORIGIN, chunkedReads(START, scenario.end, 2 * H));
    const live = END - 2 * H;
    polled = await feedLedger(source, ORIGIN, [...chunkedReads(START, live, 2 * H), ...pollReads(live, scenario.end, 30, 300)]);
    exact = truth(scenario, { from: ORIGIN, to: END }).namespaces.reduce((s, r) => (r.labels[0] === NAMESPACE ? s + r.joules : s), 0);
  }, 120_000);

  it('has the pod come back to a node after a silence of hours, which the old rule booked at the returning power', async () => {
    const returns = LIVES.filter(([, node], i) => LIVES.slice(0, i).some(([, n]) => n === node));
    expect(returns.length).toBeGreaterThanOrEqual(6);
    const old = await ownIntervalJoules(source, scenario, NAMESPACE);
    expect(old / exact - 1).toBeGreaterThan(1);
  });

  it('books the pod within 0.5 % of its exact energy over 24 hours', () => {
    const booked = ledgerJoules(backfilled, NAMESPACE);
    expect(exact).toBeGreaterThan(0);
    expect(Math.abs(booked / exact - 1)).toBeLessThan(0.005);
  });

  it('books every other namespace within 0.5 % of its exact energy', () => {
    const rows = truth(scenario, { from: ORIGIN, to: END }).namespaces;
    const namespaces = [...new Set(rows.map((r) => r.labels[0]!))].filter((n) => n !== NAMESPACE);
    expect(namespaces.length).toBeGreaterThan(2);
    for (const namespace of namespaces) {
      const want = rows.reduce((s, r) => (r.labels[0] === namespace ? s + r.joules - r.unobservableJoules : s), 0);
      expect(Math.abs(ledgerJoules(backfilled, namespace) / want - 1), namespace).toBeLessThan(0.005);
    }
  });

  it('books identical hours when the last 2 hours are polled every 30 s with a 5-minute overlap', () => {
    expect(polled.hours('namespace', ORIGIN, END)).toEqual(backfilled.hours('namespace', ORIGIN, END));
    expect(polled.totals('namespace')).toEqual(backfilled.totals('namespace'));
  });
});
