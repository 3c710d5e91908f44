import { describe, expect, it } from 'vitest';
import { generateScenario, podEnergy, renderExposition, truth, type SimPod } from '../../src/sim/index.js';
import { handScenario, pod, T0 } from './hand-scenario.js';
import { parseText } from './parse-text.js';

/** A pod with GPU processes A (100 W, exits at T0+1000) and B (50 W, from T0+100); a second pod idle on the GPU until T0+2000. */
function gpuPods(): SimPod[] {
  const base = pod('train', 'ml', 'n1', 0, undefined, [[0, 10, 1]]);
  const later = pod('infer', 'serve', 'n1', 0, undefined, [[0, 5, 1]]);
  return [
    { ...base, profile: { ...base.profile, gpu: [0] }, gpuProcesses: [{ start: T0, end: T0 + 1000, watts: 100 }, { start: T0 + 100, watts: 50 }] },
    { ...later, profile: { ...later.profile, gpu: [0] }, gpuProcesses: [{ start: T0 + 2000, watts: 80 }] },
  ];
}

const scenario = handScenario('v0.10+', gpuPods(), {
  gpu: true,
  nodes: [
    { name: 'n1', keplerStart: T0, scrapePhaseMs: 0, idleWatts: { package: 20, dram: 4, gpu: 40 }, raplOffsetJoules: 1000 },
    { name: 'n2', keplerStart: T0, scrapePhaseMs: 0, idleWatts: { package: 20, dram: 4, gpu: 40 }, raplOffsetJoules: 1000, hwmon: true },
  ],
});

function sampleOf(time: number, name: string, podName: string): number | undefined {
  const family = parseText(renderExposition(scenario, 'n1', time)).get(name);
  return family?.samples.find((s) => s.labels['pod_name'] === podName)?.value;
}

describe('simulated Kepler v0.10+ GPU processes', () => {
  it('a pod GPU counter is the sum over running processes and drops when one exits while another runs', () => {
    expect(sampleOf(T0 + 990, 'kepler_pod_gpu_joules_total', 'train')).toBe(100 * 990 + 50 * 890);
    expect(sampleOf(T0 + 990, 'kepler_pod_gpu_watts', 'train')).toBe(150);
    expect(sampleOf(T0 + 1005, 'kepler_pod_gpu_joules_total', 'train')).toBe(50 * 905);
    expect(sampleOf(T0 + 1005, 'kepler_pod_gpu_watts', 'train')).toBe(50);
  });

  it('exports pod GPU series only above 0', () => {
    expect(sampleOf(T0 + 1500, 'kepler_pod_gpu_joules_total', 'infer')).toBeUndefined();
    expect(sampleOf(T0 + 1500, 'kepler_pod_gpu_watts', 'infer')).toBeUndefined();
    expect(sampleOf(T0 + 2010, 'kepler_pod_gpu_joules_total', 'infer')).toBe(80 * 10);
  });

  it('node GPU series carry gpu, gpu_uuid, gpu_name and vendor, and count every process', () => {
    const family = parseText(renderExposition(scenario, 'n1', T0 + 1200)).get('kepler_node_gpu_active_joules_total');
    const s = family?.samples[0];
    expect(Object.keys(s?.labels ?? {}).sort()).toEqual(['gpu', 'gpu_name', 'gpu_uuid', 'node_name', 'vendor']);
    expect(s?.value).toBeCloseTo(100 * 1000 + 50 * 1100 + 10 * 1200 * 0, 6);
  });

  it('the truth holds all the GPU energy, and what the exited process used after its last scrape as unobservable', () => {
    const t = truth(scenario);
    const ml = t.namespaces.find((r) => r.labels[0] === 'ml')!;
    const train = scenario.pods[0]!;
    expect(ml.joules).toBeCloseTo(podEnergy(train, 'package', T0, T0 + 3600) + podEnergy(train, 'dram', T0, T0 + 3600) + 100 * 1000 + 50 * 3500, 6);
    // Scrapes every 15 s: the last one that counted A is at T0+990 (its tick at T0+990); A exits at T0+1000.
    expect(ml.unobservableJoules).toBeCloseTo(100 * 10, 6);
  });
});

describe('simulated hwmon nodes', () => {
  it('name their zone after the sensor, cpu_power, for nodes and pods', () => {
    const withPod = handScenario('v0.10+', [pod('arm', 'edge', 'n2', 0, undefined, [[0, 10, 2]])], { nodes: scenario.nodes });
    const families = parseText(renderExposition(withPod, 'n2', T0 + 600));
    const zones = (name: string) => [...new Set(families.get(name)?.samples.map((s) => s.labels['zone']))];
    expect(zones('kepler_pod_cpu_joules_total')).toEqual(['cpu_power']);
    expect(zones('kepler_node_cpu_active_joules_total')).toEqual(['cpu_power']);
    expect(families.get('kepler_pod_cpu_joules_total')?.samples[0]?.value).toBeCloseTo(12 * 600, 6);
  });

  it('the generator marks the named nodes and leaves the rest of the scenario as it was', () => {
    const plain = generateScenario({ seed: 5, durationSeconds: 3 * 3600, gpu: true });
    const churn = generateScenario({ seed: 5, durationSeconds: 3 * 3600, gpu: true, gpuProcesses: true, hwmonNodes: ['worker-2'] });
    expect(churn.nodes.map((n) => n.hwmon === true)).toEqual([false, true, false]);
    expect(churn.pods.map((p) => p.name)).toEqual(plain.pods.map((p) => p.name));
    const gpuPod = churn.pods.find((p) => p.gpuProcesses !== undefined)!;
    expect(gpuPod.gpuProcesses!.length).toBeGreaterThan(2);
    expect(churn.pods.filter((p) => p.profile.gpu === undefined).every((p) => p.gpuProcesses === undefined)).toBe(true);
  });
});
