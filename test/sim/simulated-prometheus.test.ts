import { describe, expect, it } from 'vitest';
import { generateScenario, SimulatedPrometheus, simulatedSamples } from '../../src/sim/index.js';

const scenario = generateScenario({ seed: 9, durationSeconds: 3 * 3600, nodes: 3, namespaces: 5, churn: 10, restarts: 1, gaps: 1 });
const plain = (series: { labels: object; timestamps: ArrayLike<number>; values: ArrayLike<number> }[]): string[] =>
  series.map((s) => JSON.stringify([Object.entries(s.labels).sort(), Array.from(s.timestamps), Array.from(s.values)])).sort();

describe('SimulatedPrometheus', () => {
  it('returns the same samples as the backfill for a range crossing chunk boundaries', async () => {
    const source = new SimulatedPrometheus(scenario);
    const start = scenario.start + 1234.5;
    const end = scenario.start + 2.5 * 3600;
    const got = await source.fetchRange({ selector: 'kepler_pod_cpu_joules_total', start, end });
    expect(plain(got)).toEqual(plain(simulatedSamples(scenario, 'kepler_pod_cpu_joules_total', start, end)));
    for (const s of got) {
      expect(s.timestamps[0]).toBeGreaterThan(start);
      expect(s.timestamps[s.timestamps.length - 1]).toBeLessThanOrEqual(end);
    }
  });

  it('applies =, !=, =~ and !~ matchers, a missing label matching the empty string', async () => {
    const source = new SimulatedPrometheus(scenario);
    const range = { start: scenario.start, end: scenario.start + 600 };
    const all = await source.fetchRange({ selector: 'kepler_pod_cpu_joules_total', ...range });
    const some = await source.fetchRange({ selector: 'kepler_pod_cpu_joules_total{zone=~"package|dram", instance!="worker-2", pod_namespace="shop"}', ...range });
    const want = all.filter((s) => ['package', 'dram'].includes(s.labels.zone!) && s.labels.instance !== 'worker-2' && s.labels.pod_namespace === 'shop');
    expect(some.length).toBeGreaterThan(0);
    expect(plain(some)).toEqual(plain(want));
    expect(await source.fetchRange({ selector: 'kepler_pod_cpu_joules_total{mode=~"dynamic|"}', ...range })).toHaveLength(all.length);
    expect(await source.fetchRange({ selector: 'kepler_pod_cpu_joules_total{zone!~"package|dram|core|psys"}', ...range })).toEqual([]);
  });

  it('returns nothing after its clock and only series that have samples', async () => {
    const now = scenario.start + 1800;
    const source = new SimulatedPrometheus(scenario, { now: () => now });
    const got = await source.fetchRange({ selector: 'kepler_node_cpu_idle_joules_total', start: now - 60, end: now + 3600 });
    expect(got).toHaveLength(3 * 4); // nodes × zones
    for (const s of got) expect(Math.max(...Array.from(s.timestamps))).toBeLessThanOrEqual(now);
    expect(await source.fetchRange({ selector: 'kepler_node_cpu_idle_joules_total', start: now, end: now + 3600 })).toEqual([]);
  });

  it('reports which metric names exist in its schema', async () => {
    const source = new SimulatedPrometheus(scenario, { now: () => scenario.start + 3600 });
    const names = ['kepler_build_info', 'kepler_pod_cpu_joules_total', 'kepler_container_joules_total', 'pod_curr_energy_in_pkg_millijoule'];
    expect(await source.presentMetricNames(names)).toEqual(new Set(['kepler_build_info', 'kepler_pod_cpu_joules_total']));
  });

  it('serves a full 26 h backfill in one call quickly', async () => {
    const big = generateScenario({ seed: 4 });
    const source = new SimulatedPrometheus(big);
    const t0 = performance.now();
    const got = await source.fetchRange({ selector: 'kepler_pod_cpu_joules_total{zone=~"package|dram"}', start: big.start, end: big.end });
    const elapsed = performance.now() - t0;
    const samples = got.reduce((n, s) => n + s.timestamps.length, 0);
    expect(samples).toBeGreaterThan(200_000);
    expect(elapsed).toBeLessThan(20_000);
    // A second, short poll hits the cache.
    const t1 = performance.now();
    await source.fetchRange({ selector: 'kepler_pod_cpu_joules_total{pod_namespace="shop"}', start: big.end - 30, end: big.end });
    expect(performance.now() - t1).toBeLessThan(200);
  });

  it('returns the same samples when chunks of several metrics are computed together', async () => {
    const source = new SimulatedPrometheus(scenario);
    const start = scenario.start + 600;
    const end = scenario.start + 2.2 * 3600;
    const names = ['kepler_node_cpu_idle_joules_total', 'kepler_pod_cpu_joules_total', 'kepler_node_cpu_active_joules_total'];
    // The first read of one metric makes the next miss compute every metric asked for so far.
    await source.fetchRange({ selector: names[0]!, start: scenario.start, end: scenario.start + 60 });
    await source.fetchRange({ selector: names[1]!, start: scenario.start, end: scenario.start + 60 });
    for (const name of names) {
      expect(plain(await source.fetchRange({ selector: name, start, end })), name).toEqual(plain(simulatedSamples(scenario, name, start, end)));
    }
  });

  it('rejects a selector without a metric name and honours an aborted signal', async () => {
    const source = new SimulatedPrometheus(scenario);
    await expect(source.fetchRange({ selector: '{zone="package"}', start: scenario.start, end: scenario.start + 60 })).rejects.toThrow(/metric name/);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(source.fetchRange({ selector: 'kepler_build_info', start: scenario.start, end: scenario.start + 60 }, controller.signal)).rejects.toThrow('stop');
  });
});
