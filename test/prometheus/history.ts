import type { TestSeries } from '../support/exposition-text.js';

/**
 * A small hand-written Kepler-like history over the 3 hours before `end`, shared by the tests that
 * load it into real backends. Sample times are whole seconds or carry milliseconds (`.25`).
 */
export function keplerHistory(end: number): { start: number; series: TestSeries[] } {
  const start = end - 3 * 3600;
  const cpu: [number, number][] = [];
  for (let i = 0; i < 360; i++) {
    // 30 s scrapes, 12.5 J per scrape; Kepler restarts at i = 200 (counter back to 0).
    const value = i < 200 ? 1000 + 12.5 * i : 12.5 * (i - 200);
    cpu.push([start + 30 * i, value]);
  }
  const dram: [number, number][] = [];
  for (let i = 0; i < 180; i++) dram.push([start + 60 * i + 0.25, 123456789.125 + 0.5 * i]);
  const short: [number, number][] = [
    [start + 3600, 1],
    [start + 3605, 7],
  ];
  return {
    start,
    series: [
      { name: 'kepler_pod_cpu_joules_total', labels: { node_name: 'n1', pod_id: 'p1', zone: 'package', state: 'running' }, samples: cpu },
      { name: 'kepler_pod_cpu_joules_total', labels: { node_name: 'n2', pod_id: 'p2', zone: 'dram', state: 'running' }, samples: dram },
      { name: 'kepler_pod_cpu_joules_total', labels: { node_name: 'n2', pod_id: 'p3', zone: 'package', state: 'terminated' }, samples: short },
      { name: 'kepler_node_cpu_joules_total', labels: { node_name: 'n1', zone: 'package' }, samples: cpu },
    ],
  };
}

/** The samples of `series` with `start < t ≤ end`, as `[t, v]` pairs. */
export function expectedWindow(series: TestSeries, start: number, end: number): [number, number][] {
  return series.samples.filter(([t]) => t > start && t <= end).map(([t, v]) => [t, v]);
}
