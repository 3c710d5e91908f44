import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunningBackend } from '../support/backend.js';
import { toOpenMetrics, type TestSeries } from '../support/exposition-text.js';
import { startPrometheus } from '../support/prometheus-server.js';

/**
 * Hand-written Kepler v0.10+ pod counters: one pod per namespace, `package` and `dram` zones,
 * scraped every 15 s (with a few milliseconds of jitter) from `start` to `end`. Namespace `i`
 * draws `10 + 3·i` W on package and a third of that on DRAM.
 */
export function keplerPods(start: number, end: number, namespaces: readonly string[]): TestSeries[] {
  const series: TestSeries[] = [];
  namespaces.forEach((namespace, i) => {
    for (const [zone, watts] of [
      ['package', 10 + 3 * i],
      ['dram', (10 + 3 * i) / 3],
    ] as const) {
      const samples: [number, number][] = [];
      for (let t = start, k = 0; t <= end; t += 15, k++) {
        const at = t + ((k * 7 + i) % 5) / 1000;
        samples.push([at, 5000 + watts * (at - start)]);
      }
      series.push({
        name: 'kepler_pod_cpu_joules_total',
        labels: { node_name: 'node-a', pod_id: `uid-${i}`, pod_name: `pod-${i}`, pod_namespace: namespace, zone, state: 'running' },
        samples,
      });
    }
  });
  return series;
}

/** Starts a real Prometheus whose TSDB holds `series` (backfilled with promtool before start). */
export async function prometheusWith(series: readonly TestSeries[]): Promise<RunningBackend> {
  const dir = await mkdtemp(path.join(tmpdir(), 'reliability-'));
  const file = path.join(dir, 'kepler.om.txt');
  try {
    await writeFile(file, toOpenMetrics(series));
    return await startPrometheus({ blocksFrom: file });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
