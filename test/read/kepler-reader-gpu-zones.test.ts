import { describe, expect, it } from 'vitest';
import { DEFAULT_CLASSIFY_OPTIONS } from '../../src/core/schema/index.js';
import type { RawSeries } from '../../src/core/types.js';
import type { RangeRequest, SampleSource } from '../../src/read/sample-source.js';
import { IGNORED_MEMORY_SECONDS, KeplerReader } from '../../src/read/kepler-reader.js';
import { attachPower } from '../../src/core/ledger/power-alignment.js';

const POD = { node_name: 'gpu-1', pod_id: 'p1', pod_name: 'train-0', pod_namespace: 'ml' };

function raw(name: string, labels: Record<string, string>, points: [number, number][]): RawSeries {
  return { labels: { __name__: name, ...labels }, timestamps: points.map((p) => p[0]), values: points.map((p) => p[1]) };
}

/** A source that answers each selector by its metric name, and records the selectors asked. */
function sourceOf(series: readonly RawSeries[]): SampleSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    fetchRange: async (r: RangeRequest) => {
      asked.push(r.selector);
      const name = r.selector.replace(/\{.*$/, '');
      return series.filter((s) => s.labels['__name__'] === name);
    },
    presentMetricNames: async (names) => new Set(names.filter((n) => series.some((s) => s.labels['__name__'] === n))),
  };
}

const series = [
  raw('kepler_pod_gpu_joules_total', { ...POD, state: 'running' }, [[30, 100], [60, 200], [90, 50]]),
  raw('kepler_pod_gpu_watts', { ...POD, state: 'running' }, [[30, 3], [60, 3]]),
  raw('kepler_pod_gpu_watts', { ...POD, state: 'terminated' }, [[90, 1.5]]),
  raw('kepler_pod_cpu_joules_total', { ...POD, state: 'running', zone: 'package' }, [[30, 1], [60, 2]]),
  raw('kepler_pod_cpu_joules_total', { ...POD, node_name: 'arm-1', state: 'running', zone: 'cpu_power' }, [[30, 1], [60, 2]]),
  raw('kepler_node_cpu_active_joules_total', { node_name: 'arm-1', zone: 'cpu_power', path: '' }, [[30, 1], [60, 2]]),
];

describe('KeplerReader with GPU power and zones', () => {
  it('reads pod GPU power alongside and gives it to the GPU counter sample by sample', async () => {
    const reader = new KeplerReader({ source: sourceOf(series), schema: 'v0.10+', classify: DEFAULT_CLASSIFY_OPTIONS });
    const samples = await reader.read(0, 100);
    const gpu = samples.find((s) => s.descriptor.component === 'gpu');
    expect(gpu?.descriptor.dropsOnProcessExit).toBe(true);
    expect(Array.from(gpu?.power ?? [])).toEqual([3, 3, 1.5]);
    expect(samples.find((s) => s.descriptor.component === 'package')?.power).toBeUndefined();
  });

  it('counts the series of unknown zones and names the zones, without accounting them', async () => {
    const reader = new KeplerReader({ source: sourceOf(series), schema: 'v0.10+', classify: DEFAULT_CLASSIFY_OPTIONS });
    const samples = await reader.read(0, 100);
    expect(samples.some((s) => s.descriptor.node === 'arm-1')).toBe(false);
    await reader.read(50, 100);
    // Distinct series, re-reads counted once; still counted when a later poll reads nothing new.
    expect(reader.takeIgnored()).toEqual({ unknown_zone: 2 });
    expect(reader.takeIgnored()).toEqual({ unknown_zone: 2 });
    expect(reader.unknownZones).toEqual(['cpu_power']);
  });

  it('forgets an ignored series an hour after its newest sample, measured against the newest ignored sample', async () => {
    const later = IGNORED_MEMORY_SECONDS + 61;
    const moving = [
      raw('kepler_node_cpu_active_joules_total', { node_name: 'arm-1', zone: 'cpu_power', path: '' }, [[30, 1], [60, 2]]),
      raw('kepler_node_cpu_active_joules_total', { node_name: 'arm-2', zone: 'cpu_power', path: '' }, [[later - 1, 1], [later, 2]]),
    ];
    const reader = new KeplerReader({ source: sourceOf(moving), schema: 'v0.10+', classify: DEFAULT_CLASSIFY_OPTIONS });
    await reader.read(0, later);
    // arm-1's newest sample (60) is more than an hour before arm-2's (3661 + 60): only arm-2 is left.
    expect(reader.takeIgnored()).toEqual({ unknown_zone: 1 });
  });

  it('accounts an hwmon zone once kepler.zones maps it', async () => {
    const classify = { ...DEFAULT_CLASSIFY_OPTIONS, zones: { cpu_power: 'package' as const } };
    const reader = new KeplerReader({ source: sourceOf(series), schema: 'v0.10+', classify });
    const samples = await reader.read(0, 100);
    expect(samples.filter((s) => s.descriptor.node === 'arm-1').map((s) => s.descriptor.scope).sort()).toEqual(['namespace', 'node']);
    expect(reader.takeIgnored()).toEqual({});
  });
});

describe('attachPower', () => {
  it('leaves NaN where the gauge has no sample (Kepler exports it only above 0 W)', () => {
    const descriptor = { key: 'k', schema: 'v0.10+', scope: 'namespace', kind: 'counter', toJoules: 1, group: ['ml'], node: 'n', component: 'gpu', dropsOnProcessExit: true } as const;
    const [s] = attachPower([{ descriptor, timestamps: [1, 2, 3], values: [1, 2, 3] }], [{ key: 'k', timestamps: [1, 3], values: [5, 7] }]);
    expect(Array.from(s?.power ?? [])).toEqual([5, NaN, 7]);
    const [none] = attachPower([{ descriptor, timestamps: [1], values: [1] }], []);
    expect(none?.power).toBeUndefined();
  });
});
