import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { SchemaId } from '../../src/core/types.js';
import { generateScenario, renderExposition } from '../../src/sim/index.js';
import { parseText } from './parse-text.js';

/** Expected families per schema, written by hand from Kepler's sources: name → [type, label names]. */
type Expected = Record<string, readonly [string, readonly string[]]>;

const V03_POD = ['command', 'pod_name', 'pod_namespace'];
const V03_PARTS = ['core', 'dram', 'gpu', 'other', 'pkg', 'uncore'];
const V03: Expected = {
  energy_stats_exporter_build_info: ['gauge', ['branch', 'goversion', 'revision', 'version']],
  node_cpu_scaling_frequency_hertz: ['gauge', ['cpu', 'instance']],
  node_curr_energy_joule: ['gauge', ['instance']],
  node_package_energy_millijoule: ['gauge', ['core', 'dram', 'instance', 'pkg_id', 'uncore']],
  pod_curr_dynamic_energy_millijoule: ['gauge', V03_POD],
  pod_curr_energy_millijoule: ['gauge', V03_POD],
  pod_total_dynamic_energy_millijoule: ['counter', V03_POD],
  pod_total_energy_millijoule: ['counter', V03_POD],
  ...Object.fromEntries(
    V03_PARTS.flatMap((p) => [
      [`node_curr_energy_in_${p}_joule`, ['gauge', ['instance']]],
      [`pod_curr_energy_in_${p}_millijoule`, ['gauge', V03_POD]],
      [`pod_total_energy_in_${p}_millijoule`, ['counter', V03_POD]],
    ]),
  ),
};

const V04_CONTAINER = ['container_id', 'container_name', 'container_namespace', 'mode', 'pod_name', 'source'];
const V04_NODE = ['instance', 'mode', 'package', 'source'];
const V04: Expected = {
  kepler_container_joules_total: ['counter', V04_CONTAINER],
  kepler_exporter_build_info: ['gauge', ['arch', 'branch', 'os', 'revision', 'version']],
  kepler_node_info: ['counter', ['components_power_source', 'cpu_architecture', 'platform_power_source', 'source']],
  ...Object.fromEntries(
    ['core', 'dram', 'gpu', 'other', 'package', 'platform', 'uncore'].flatMap((c) => [
      [`kepler_container_${c}_joules_total`, ['counter', V04_CONTAINER]],
      [`kepler_node_${c}_joules_total`, ['counter', V04_NODE]],
    ]),
  ),
};

const V10_POD = ['node_name', 'pod_id', 'pod_name', 'pod_namespace', 'state', 'zone'];
const V10_CONTAINER = ['container_id', 'container_name', 'node_name', 'pod_id', 'runtime', 'state', 'zone'];
const V10_NODE = ['node_name', 'path', 'zone'];
const V10_GPU_NODE = ['gpu', 'gpu_name', 'gpu_uuid', 'node_name', 'vendor'];
const V10: Expected = {
  kepler_build_info: ['gauge', ['arch', 'branch', 'goversion', 'revision', 'version']],
  kepler_container_cpu_joules_total: ['counter', V10_CONTAINER],
  kepler_container_cpu_watts: ['gauge', V10_CONTAINER],
  kepler_node_cpu_active_joules_total: ['counter', V10_NODE],
  kepler_node_cpu_active_watts: ['gauge', V10_NODE],
  kepler_node_cpu_idle_joules_total: ['counter', V10_NODE],
  kepler_node_cpu_idle_watts: ['gauge', V10_NODE],
  kepler_node_cpu_info: ['gauge', ['core_id', 'model_name', 'physical_id', 'processor', 'vendor_id']],
  kepler_node_cpu_joules_total: ['counter', V10_NODE],
  kepler_node_cpu_usage_ratio: ['gauge', ['node_name']],
  kepler_node_cpu_watts: ['gauge', V10_NODE],
  kepler_pod_cpu_joules_total: ['counter', V10_POD],
  kepler_pod_cpu_watts: ['gauge', V10_POD],
  kepler_container_gpu_joules_total: ['counter', V10_CONTAINER.filter((l) => l !== 'zone')],
  kepler_container_gpu_watts: ['gauge', V10_CONTAINER.filter((l) => l !== 'zone')],
  kepler_pod_gpu_joules_total: ['counter', V10_POD.filter((l) => l !== 'zone')],
  kepler_pod_gpu_watts: ['gauge', V10_POD.filter((l) => l !== 'zone')],
  kepler_node_gpu_joules_total: ['counter', V10_GPU_NODE],
  kepler_node_gpu_watts: ['gauge', V10_GPU_NODE],
  kepler_node_gpu_active_joules_total: ['counter', V10_GPU_NODE],
  kepler_node_gpu_active_watts: ['gauge', V10_GPU_NODE],
  kepler_node_gpu_idle_joules_total: ['counter', V10_GPU_NODE],
  kepler_node_gpu_idle_watts: ['gauge', V10_GPU_NODE],
};

const EXPECTED: Record<SchemaId, Expected> = { 'v0.3': V03, 'v0.4-v0.9': V04, 'v0.10+': V10 };

/** Naming-lint findings Kepler itself triggers (counters without `_total`). */
const KEPLER_LINT: Record<SchemaId, readonly string[]> = {
  'v0.3': ['pod_total_dynamic_energy_millijoule', 'pod_total_energy_millijoule', ...V03_PARTS.map((p) => `pod_total_energy_in_${p}_millijoule`)],
  'v0.4-v0.9': ['kepler_node_info'],
  'v0.10+': [],
};

const SCHEMAS: readonly SchemaId[] = ['v0.3', 'v0.4-v0.9', 'v0.10+'];

function exposition(schema: SchemaId, gpu = true): string {
  const scenario = generateScenario({ schema, gpu, nodes: 2, namespaces: 4, seed: 7 });
  return renderExposition(scenario, 'worker-1', scenario.start + 5400);
}

describe('renderExposition', () => {
  it.each(SCHEMAS)('produces %s text that promtool check metrics parses, with only the naming findings Kepler itself has', (schema) => {
    const result = spawnSync('promtool', ['check', 'metrics'], { input: exposition(schema), encoding: 'utf8' });
    const findings = (result.stdout + result.stderr).split('\n').filter((l) => l !== '');
    const expected = KEPLER_LINT[schema].map((name) => `${name} counter metrics should have "_total" suffix`);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(expected.length === 0 ? 0 : 3);
    expect(findings.sort()).toEqual([...expected].sort());
  });

  it.each(SCHEMAS)('emits the %s families with the real types and label names', (schema) => {
    const families = parseText(exposition(schema));
    const actual = Object.fromEntries(
      [...families.values()].map((f) => {
        const labelSets = new Set(f.samples.map((s) => Object.keys(s.labels).sort().join(',')));
        expect(labelSets.size, `${f.name} has one label set`).toBe(1);
        return [f.name, [f.type, [...labelSets][0]!.split(',')]];
      }),
    );
    const expected = Object.fromEntries(Object.entries(EXPECTED[schema]).map(([n, [t, l]]) => [n, [t, [...l].sort()]]));
    expect(actual).toEqual(expected);
  });

  it.each(SCHEMAS)('sorts %s families by name, keeps one HELP and TYPE per family and prints label names sorted', (schema) => {
    const text = exposition(schema);
    const typeLines = text.split('\n').filter((l) => l.startsWith('# TYPE '));
    const names = typeLines.map((l) => l.split(' ')[2]!);
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
    expect(text.split('\n').filter((l) => l.startsWith('# HELP ')).length).toBe(names.length);
    for (const line of text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) {
      const labelNames = [...line.matchAll(/([a-z_]+)="/g)].map((m) => m[1]!);
      expect(labelNames).toEqual([...labelNames].sort());
    }
  });

  it('leaves the GPU families out when the scenario has no GPU', () => {
    const v10 = parseText(exposition('v0.10+', false));
    const v04 = parseText(exposition('v0.4-v0.9', false));
    expect([...v10.keys()].filter((n) => n.includes('gpu'))).toEqual([]);
    expect([...v04.keys()].filter((n) => n.includes('gpu'))).toEqual([]);
  });

  it('labels v0.4–v0.9 pseudo containers system_processes and kernel_processes in namespaces system and kernel', () => {
    const samples = parseText(exposition('v0.4-v0.9')).get('kepler_container_package_joules_total')!.samples;
    const pseudo = samples.filter((s) => s.labels.container_namespace === 'system' || s.labels.container_namespace === 'kernel');
    expect(pseudo.map((s) => `${s.labels.container_namespace}/${s.labels.pod_name}/${s.labels.mode}`).sort()).toEqual([
      'kernel/kernel_processes/dynamic',
      'kernel/kernel_processes/idle',
      'system/system_processes/dynamic',
      'system/system_processes/idle',
    ]);
    const joulesTotal = parseText(exposition('v0.4-v0.9')).get('kepler_container_joules_total')!.samples;
    expect(new Set(joulesTotal.map((s) => s.labels.source))).toEqual(new Set(['']));
  });

  it('gives v0.10+ pods one series per zone, overlapping zones included, and no pseudo pods', () => {
    const pods = parseText(exposition('v0.10+')).get('kepler_pod_cpu_joules_total')!.samples;
    expect(new Set(pods.map((s) => s.labels.zone))).toEqual(new Set(['package', 'core', 'dram', 'psys']));
    expect(pods.filter((s) => s.labels.pod_namespace === 'system' || s.labels.pod_namespace === 'kernel')).toEqual([]);
    for (const s of pods.filter((p) => p.labels.zone === 'package')) {
      const zone = (z: string): number => pods.find((p) => p.labels.pod_id === s.labels.pod_id && p.labels.zone === z)!.value;
      expect(zone('core')).toBeLessThan(s.value + 1e-9);
      expect(zone('psys')).toBeGreaterThanOrEqual(s.value + zone('dram') - 1e-9);
    }
  });
});
