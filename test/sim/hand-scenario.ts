import type { SchemaId } from '../../src/core/types.js';
import type { Scenario, SimPod } from '../../src/sim/index.js';

/** 2026-01-01T00:00:00Z, an hour boundary. */
export const T0 = 1_767_225_600;

/** A pod with piecewise-constant power: segments are [seconds after T0, package W, dram W]. */
export function pod(name: string, namespace: string, node: string, start: number, end: number | undefined, segments: readonly (readonly [number, number, number])[]): SimPod {
  return {
    kind: 'workload',
    namespace,
    name,
    node,
    uid: `uid-${name}`,
    containerName: name,
    containerId: `cid-${name}`,
    command: name,
    start: T0 + start,
    ...(end === undefined ? {} : { end: T0 + end }),
    profile: { times: segments.map((s) => T0 + s[0]), package: segments.map((s) => s[1]), dram: segments.map((s) => s[2]) },
  };
}

/** One hour, nodes n1 and n2 whose Kepler starts at T0, scrapes every 15 s at phase 0, no restart or gap. */
export function handScenario(schema: SchemaId, pods: readonly SimPod[], extra: Partial<Scenario> = {}): Scenario {
  const node = (name: string) => ({ name, keplerStart: T0, scrapePhaseMs: 0, idleWatts: { package: 20, dram: 4 }, raplOffsetJoules: 1000 });
  return {
    schema,
    start: T0,
    end: T0 + 3600,
    tickSeconds: schema === 'v0.10+' ? 5 : 3,
    scrapeIntervalSeconds: 15,
    nodes: [node('n1'), node('n2')],
    namespaces: [...new Set(pods.map((p) => p.namespace))],
    pods,
    restarts: [],
    gaps: [],
    gpu: false,
    ...extra,
  };
}
