import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchemaId } from '../../src/core/types.js';
import { generateScenario, simulatedSamples, writeOpenMetrics, type Scenario } from '../../src/sim/index.js';
import { createBlocksFromOpenMetrics } from '../support/blocks.js';

const run = promisify(execFile);

/** `promtool tsdb dump` lines: `{a="b", c="d"} value timestamp_ms`, as sorted canonical strings. */
async function dump(dataDir: string): Promise<string[]> {
  await mkdir(path.join(dataDir, 'wal'), { recursive: true });
  const { stdout } = await run('promtool', ['tsdb', 'dump', dataDir], { maxBuffer: 256 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((line) => {
      const m = /^\{(.*)\} (\S+) (\d+)$/.exec(line)!;
      const labels = [...m[1]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((x) => `${x[1]}=${x[2]}`).sort();
      return `${labels.join(',')} ${Number(m[2])} ${m[3]}`;
    })
    .sort();
}

function expected(s: Scenario, metrics: readonly string[]): string[] {
  return metrics
    .flatMap((metric) =>
      simulatedSamples(s, metric, s.start - 1, s.end).flatMap((x) => {
        const labels = Object.entries(x.labels).map(([k, v]) => `${k}=${v}`).sort().join(',');
        return Array.from(x.timestamps, (t, i) => `${labels} ${x.values[i]} ${Math.round(t * 1000)}`);
      }),
    )
    .sort();
}

const CASES: readonly [SchemaId, readonly string[]][] = [
  ['v0.10+', ['kepler_pod_cpu_joules_total', 'kepler_node_cpu_idle_joules_total', 'kepler_build_info', 'kepler_node_cpu_usage_ratio']],
  ['v0.4-v0.9', ['kepler_container_joules_total', 'kepler_node_package_joules_total', 'kepler_node_info']],
  ['v0.3', ['pod_curr_energy_in_pkg_millijoule', 'pod_total_energy_in_pkg_millijoule', 'node_curr_energy_in_dram_joule']],
];

describe('writeOpenMetrics', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sim-openmetrics-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(CASES)('writes %s samples that promtool turns into blocks holding exactly the stored samples', async (schema, metrics) => {
    const s = generateScenario({ schema, seed: 21, durationSeconds: 2.5 * 3600, nodes: 2, namespaces: 3, churn: 10, restarts: 1, gaps: 1 });
    const file = path.join(dir, `${schema}.om`);
    const summary = await writeOpenMetrics(s, file, { from: s.start - 1, to: s.end, metrics });
    const dataDir = path.join(dir, `${schema}-data`);
    await createBlocksFromOpenMetrics(file, dataDir);
    const blocks = (await readdir(dataDir)).filter((name) => /^[0-9A-Z]{26}$/.test(name));
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    const stored = await dump(dataDir);
    const want = expected(s, metrics);
    expect(stored.length).toBe(summary.samples);
    expect(stored).toEqual(want);
  });

  it('declares each family once, counters without _total in the TYPE line, and ends with # EOF', async () => {
    const s = generateScenario({ schema: 'v0.4-v0.9', seed: 2, durationSeconds: 600, nodes: 2, namespaces: 2 });
    const file = path.join(dir, 'shape.om');
    await writeOpenMetrics(s, file, { from: s.start, to: s.end, metrics: ['kepler_container_joules_total', 'kepler_node_info', 'kepler_exporter_build_info'] });
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.filter((l) => l.startsWith('# TYPE'))).toEqual([
      '# TYPE kepler_container_joules counter',
      '# TYPE kepler_exporter_build_info gauge',
      '# TYPE kepler_node_info unknown',
    ]);
    expect(lines.at(-2)).toBe('# EOF');
    const sample = lines.find((l) => l.startsWith('kepler_container_joules_total{'))!;
    expect(sample).toMatch(/,endpoint="http",instance="worker-\d",job="kepler",.*namespace="kepler",pod="kepler-exporter-worker-\d",pod_name="[^"]+",service="kepler-exporter"\} \S+ \d+\.\d{3}$/);
    expect(sample).not.toContain('source=');
  });

  it('keeps only the series a match selector selects', async () => {
    const s = generateScenario({ seed: 2, durationSeconds: 600, nodes: 2, namespaces: 2 });
    const file = path.join(dir, 'match.om');
    const metrics = ['kepler_pod_cpu_joules_total', 'kepler_node_cpu_idle_joules_total', 'kepler_build_info'];
    const summary = await writeOpenMetrics(s, file, { from: s.start, to: s.end, metrics, match: '{zone=~"package|dram|"}' });
    const samples = (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    const zones = new Set(samples.map((l) => /zone="([^"]*)"/.exec(l)?.[1] ?? 'none'));
    expect(zones).toEqual(new Set(['package', 'dram', 'none']));
    const all = metrics.flatMap((m) => simulatedSamples(s, m, s.start, s.end));
    const kept = all.filter((x) => x.labels.zone === undefined || ['package', 'dram'].includes(x.labels.zone));
    expect(summary.series).toBe(kept.length);
    expect(kept.length).toBeLessThan(all.length);
  });

  it('renames Kepler\'s own instance label exported_instance, as Prometheus does with honor_labels false', () => {
    const s = generateScenario({ schema: 'v0.4-v0.9', seed: 2, durationSeconds: 600, nodes: 2, namespaces: 2 });
    const node = simulatedSamples(s, 'kepler_node_dram_joules_total', s.start, s.end);
    expect(node.length).toBe(4);
    for (const x of node) {
      expect(x.labels.exported_instance).toBe(x.labels.instance);
      expect(x.labels.pod).toBe(`kepler-exporter-${x.labels.instance}`);
    }
  });
});
