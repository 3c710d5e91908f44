import { describe, expect, it } from 'vitest';
import { generateScenario, openMetricsChunks, renderExposition, simulatedSamples, truth, type StoredSeries } from '../../src/sim/index.js';
import { T0, handScenario, pod } from './hand-scenario.js';
import { parseText } from './parse-text.js';

const seriesOf = (series: StoredSeries[], labels: Record<string, string>): StoredSeries[] =>
  series.filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const c of chunks) out += c;
  return out;
}

describe('the Kepler model', () => {
  it('serves the exact integral of piecewise-constant power up to the last tick before the scrape', () => {
    const s = handScenario('v0.10+', [pod('a', 'shop', 'n1', 0, undefined, [[0, 10, 2], [100, 20, 1]])]);
    // The scrape at +152 s sees the tick at +150 s: 10 W × 100 s + 20 W × 50 s; dram 2 W × 100 s + 1 W × 50 s.
    const samples = parseText(renderExposition(s, 'n1', T0 + 152)).get('kepler_pod_cpu_joules_total')!.samples;
    const zone = (z: string): number => samples.find((x) => x.labels.zone === z)!.value;
    expect(zone('package')).toBeCloseTo(2000, 9);
    expect(zone('dram')).toBeCloseTo(250, 9);
    const node = parseText(renderExposition(s, 'n1', T0 + 152));
    const nodeValue = (f: string): number => node.get(f)!.samples.find((x) => x.labels.zone === 'package')!.value;
    expect(nodeValue('kepler_node_cpu_active_joules_total')).toBeCloseTo(2000, 9);
    expect(nodeValue('kepler_node_cpu_idle_joules_total')).toBeCloseTo(20 * 150, 9);
  });

  it('restarts every counter of a node from 0 at a Kepler restart and stores nothing while it restarts', () => {
    const s = handScenario('v0.10+', [pod('a', 'shop', 'n1', 0, undefined, [[0, 20, 0]]), pod('b', 'web', 'n2', 0, undefined, [[0, 5, 0]])], {
      restarts: [{ node: 'n1', time: T0 + 1000, downSeconds: 15 }],
    });
    const series = simulatedSamples(s, 'kepler_pod_cpu_joules_total', T0 + 900, T0 + 1100);
    const a = seriesOf(series, { pod_name: 'a', zone: 'package' })[0]!;
    const at = (t: number): number => a.values[a.timestamps.indexOf(T0 + t)]!;
    expect(a.timestamps).not.toContain(T0 + 1005);
    expect(at(990)).toBeCloseTo(20 * 990, 9);
    expect(at(1020)).toBeCloseTo(20 * 20, 9);
    // The other node is not affected.
    expect(seriesOf(series, { pod_name: 'b', zone: 'package' })[0]!.timestamps).toContain(T0 + 1005);
    // The raw RAPL counter is a hardware reading: it keeps counting through the restart.
    const rapl = seriesOf(simulatedSamples(s, 'kepler_node_cpu_joules_total', T0 + 900, T0 + 1100), { instance: 'n1', zone: 'package' })[0]!;
    const raplAt = (t: number): number => rapl.values[rapl.timestamps.indexOf(T0 + t)]!;
    expect(raplAt(1020) - raplAt(990)).toBeCloseTo((20 + 20) * 30, 6);
  });

  it('exports an ended v0.10+ pod once with state="terminated" and its final energy, then drops it', () => {
    const s = handScenario('v0.10+', [pod('b', 'batch', 'n1', 10, 100, [[10, 6, 0]])]);
    const series = seriesOf(simulatedSamples(s, 'kepler_pod_cpu_joules_total', T0, T0 + 600), { pod_name: 'b', zone: 'package' });
    const running = series.find((x) => x.labels.state === 'running')!;
    const terminated = series.find((x) => x.labels.state === 'terminated')!;
    expect(series).toHaveLength(2);
    expect(running.timestamps.at(-1)).toBe(T0 + 90);
    expect(running.values.at(-1)).toBeCloseTo(6 * 80, 9);
    expect(terminated.timestamps).toEqual([T0 + 105]);
    expect(terminated.values[0]).toBeCloseTo(6 * 90, 9);
  });

  it('keeps exporting an ended v0.4–v0.9 container with its final values for about 60 s', () => {
    const s = handScenario('v0.4-v0.9', [pod('b', 'batch', 'n1', 10, 100, [[10, 6, 0]])]);
    const series = seriesOf(simulatedSamples(s, 'kepler_container_package_joules_total', T0, T0 + 600), { pod_name: 'b' });
    const dynamic = series.find((x) => x.labels.mode === 'dynamic')!;
    const idle = series.find((x) => x.labels.mode === 'idle')!;
    const afterEnd = dynamic.timestamps.filter((t) => t > T0 + 100);
    expect(afterEnd).toEqual([105, 120, 135, 150].map((t) => T0 + t));
    expect(dynamic.values.at(-1)! + idle.values.at(-1)!).toBeCloseTo(6 * 90, 9);
    expect(dynamic.values.at(-1)! / idle.values.at(-1)!).toBeCloseTo(4, 9);
  });

  it('makes v0.3 gauges add up exactly to the counters when Prometheus scrapes every tick', () => {
    const s = generateScenario({ schema: 'v0.3', scrapeIntervalSeconds: 3, durationSeconds: 900, nodes: 2, namespaces: 3, seed: 5 });
    const curr = simulatedSamples(s, 'pod_curr_energy_in_pkg_millijoule', s.start, s.end);
    const total = simulatedSamples(s, 'pod_total_energy_in_pkg_millijoule', s.start, s.end);
    let checked = 0;
    for (const g of curr) {
      const c = total.find((t) => t.labels.pod_name === g.labels.pod_name && t.labels.instance === g.labels.instance)!;
      expect(c.timestamps).toEqual(g.timestamps);
      let sum = 0;
      for (let i = 1; i < g.values.length; i++) sum += g.values[i]!;
      expect(sum).toBe(c.values.at(-1)! - c.values[0]!);
      if (sum > 0) checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('stores no sample inside a scrape gap, on any node, and samples again after it', () => {
    const s = generateScenario({ durationSeconds: 7200, gaps: [{ start: 1767226800, end: 1767227400 }], nodes: 3, namespaces: 3 });
    const series = simulatedSamples(s, 'kepler_node_cpu_idle_joules_total', s.start, s.end);
    expect(new Set(series.map((x) => x.labels.instance))).toEqual(new Set(['worker-1', 'worker-2', 'worker-3']));
    for (const x of series) {
      expect(x.timestamps.filter((t) => t >= 1767226800 && t < 1767227400)).toEqual([]);
      expect(x.timestamps.filter((t) => t >= 1767227400 && t < 1767227415)).toHaveLength(1);
      expect(x.timestamps.filter((t) => t >= 1767226785 && t < 1767226800)).toHaveLength(1);
    }
  });

  it('is deterministic: the same seed gives the same scenario and samples, another seed does not', async () => {
    const options = { seed: 11, durationSeconds: 1800, nodes: 2, namespaces: 3, restarts: 1, gaps: 1, churn: 20 } as const;
    const a = generateScenario(options);
    const b = generateScenario(options);
    const c = generateScenario({ ...options, seed: 12 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
    const om = (x: typeof a): Promise<string> => text(openMetricsChunks(x, { from: x.start, to: x.end, metrics: ['kepler_pod_cpu_joules_total'] }));
    expect(await om(b)).toBe(await om(a));
  });

  it('splits the ground truth at clock hours, per namespace and per node', () => {
    const s = handScenario('v0.10+', [pod('a', 'shop', 'n1', 1800, 5400, [[1800, 10, 2]])], { end: T0 + 7200 });
    const t = truth(s);
    expect(t.namespaces.map((r) => [r.hourStart - T0, r.labels, r.joules])).toEqual([
      [0, ['shop'], 12 * 1800],
      [3600, ['shop'], 12 * 1800],
    ]);
    const n1 = t.nodes.filter((r) => r.labels[0] === 'n1').map((r) => r.joules);
    expect(n1).toEqual([24 * 3600 + 12 * 1800, 24 * 3600 + 12 * 1800]);
    expect(t.nodes.filter((r) => r.labels[0] === 'n2').map((r) => r.joules)).toEqual([24 * 3600, 24 * 3600]);
  });
});
