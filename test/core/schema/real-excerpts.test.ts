import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/core/ledger/index.js';
import { DEFAULT_CLASSIFY_OPTIONS, classifySeries, detectSchemas } from '../../../src/core/schema/index.js';
import type { RawSeries, SeriesDescriptor, SeriesSamples } from '../../../src/core/types.js';
import { asStored, readExcerpt, type ExcerptSample } from './real-excerpt.js';

/**
 * Issue 13 part 6: the verbatim real Kepler output in `test/fixtures/kepler-real/` (sources in its
 * README) must be detected, identified and accounted as the contract says. Each excerpt is one scrape;
 * it is stored as Prometheus stores it (target labels of a ServiceMonitor, `instance` renamed
 * `exported_instance`) at `T`.
 */
const T = 1_713_002_400; // a whole hour
const classify = (raw: RawSeries): SeriesDescriptor | undefined => classifySeries(raw, DEFAULT_CLASSIFY_OPTIONS);
const names = (samples: readonly ExcerptSample[]): Set<string> => new Set(samples.map((s) => s.name));

/** The classified series with their samples (out-of-scope ones dropped). */
function accounted(series: readonly RawSeries[]): SeriesSamples[] {
  return series.flatMap((raw) => {
    const descriptor = classify(raw);
    return descriptor === undefined ? [] : [{ descriptor, timestamps: raw.timestamps, values: raw.values }];
  });
}

function ledger(origin: number): Ledger {
  return new Ledger({ origin, windows: [{ label: '1h', seconds: 3600 }] });
}

const joulesByNamespace = (l: Ledger): Record<string, number> => Object.fromEntries(l.totals('namespace').map((g) => [g.labels[0]!, g.joules]));

describe('Kepler v0.7.x output (issue #1349, v0.7.1–v0.7.10 line)', () => {
  const excerpt = readExcerpt('1-v0.7.x-issue-1349.txt');
  const stored = asStored(excerpt.samples, 'ex-cb04', [T]);

  it('parses every whole sample and skips only the separators and the line the index cut', () => {
    expect(excerpt.skipped.filter((l) => l !== '----')).toEqual([
      'kepler_node_core_joules_total{instance="ex-cb04",mode="dynamic",package="0",source="rapl-sysfs"',
    ]);
    // 5 package, 6 gpu and 8 uncore container samples, and the build info.
    expect(excerpt.samples.length).toBe(20);
  });

  it('is detected as the v0.4–v0.9 schema', () => {
    expect(detectSchemas(names(excerpt.samples))).toEqual(['v0.4-v0.9']);
  });

  it('accounts the package and gpu container families, both modes, and never uncore', () => {
    const series = accounted(stored);
    expect(series.length).toBe(11);
    expect(new Set(series.map((s) => s.descriptor.component))).toEqual(new Set(['package', 'gpu']));
    const byName = new Map(stored.map((raw) => [raw.labels['__name__'], classify(raw)?.component]));
    expect(byName.get('kepler_container_package_joules_total')).toBe('package');
    expect(byName.get('kepler_container_gpu_joules_total')).toBe('gpu');
    expect(byName.get('kepler_container_uncore_joules_total')).toBeUndefined();
    expect(byName.get('kepler_exporter_build_info')).toBeUndefined();
    for (const s of series) {
      expect(s.descriptor).toMatchObject({ schema: 'v0.4-v0.9', scope: 'namespace', kind: 'counter', toJoules: 1, node: 'ex-cb04' });
    }
  });

  it('groups by container_namespace, system and kernel pseudo namespaces included, never the exporter namespace', () => {
    const groups = new Set(accounted(stored).map((s) => s.descriptor.group.join('/')));
    expect(groups).toEqual(new Set(['system', 'kernel']));
    expect(stored.every((raw) => raw.labels['namespace'] === 'kepler')).toBe(true);
  });

  it('keeps one series per container id and mode, whatever the source label or the exporter pod', () => {
    const series = accounted(stored);
    expect(new Set(series.map((s) => s.descriptor.key)).size).toBe(series.length);
    for (const raw of stored) {
      const d = classify(raw);
      if (d === undefined) continue;
      const other = { ...raw, labels: { ...raw.labels, source: 'estimator', pod: 'kepler-exporter-new' } };
      expect(classify(other)?.key).toBe(d.key);
    }
    // The two system_processes containers (a container id, and the literal id) are two series.
    const system = series.filter((s) => s.descriptor.group[0] === 'system' && s.descriptor.component === 'package');
    expect(system.length).toBe(3);
  });

  it('counts a series first seen after the origin from 0, and books nothing for a baseline at the origin', () => {
    const samples = excerpt.samples.filter((s) => /^kepler_container_(package|dram|gpu)_joules_total$/.test(s.name));
    const expected: Record<string, number> = {};
    for (const s of samples) expected[s.labels['container_namespace']!] = (expected[s.labels['container_namespace']!] ?? 0) + s.value;

    const after = ledger(T - 3600);
    after.ingest(accounted(stored));
    const booked = joulesByNamespace(after);
    expect(Object.keys(booked).sort()).toEqual(Object.keys(expected).sort());
    for (const [ns, joules] of Object.entries(expected)) expect(booked[ns]).toBeCloseTo(joules, 6);
    // kernel_processes: package dynamic 312.612 J + idle 76.125 J (its gpu series are 0).
    expect(booked['kernel']).toBeCloseTo(312.612 + 76.125, 6);

    const baseline = ledger(T);
    baseline.ingest(accounted(stored));
    expect(Object.values(joulesByNamespace(baseline)).every((j) => j === 0)).toBe(true);
  });
});

describe('Kepler v0.3 output (issue #264, main of 2022-09-29)', () => {
  const excerpt = readExcerpt('2-v0.3-issue-264.txt');

  it('parses every whole sample and skips the shell prompt and the cut last line', () => {
    expect(excerpt.skipped).toEqual(['[root@clever src]# curl localhost:9102/metrics 2>&1 | grep nginx-798cf574f5-r6d5g', 'pod']);
  });

  it('is detected as the v0.3 schema', () => {
    expect(detectSchemas(names(excerpt.samples))).toEqual(['v0.3']);
  });

  it('accounts the pkg, dram and gpu gauges in millijoules per 3 s sample, by pod_namespace, one series whatever the command', () => {
    const stored = asStored(excerpt.samples, 'worker-1', [T]);
    const byName = new Map(stored.map((raw) => [raw.labels['__name__'], classify(raw)]));
    expect([...byName].filter(([, d]) => d !== undefined).map(([n]) => n).sort()).toEqual([
      'pod_curr_energy_in_dram_millijoule',
      'pod_curr_energy_in_gpu_millijoule',
      'pod_curr_energy_in_pkg_millijoule',
    ]);
    const pkg = byName.get('pod_curr_energy_in_pkg_millijoule')!;
    expect(pkg).toMatchObject({ schema: 'v0.3', scope: 'namespace', kind: 'gauge', toJoules: 0.001, samplePeriodSeconds: 3, component: 'package', group: ['test-1'] });
    expect(byName.get('pod_curr_energy_in_dram_millijoule')?.component).toBe('dram');
    const raw = stored.find((s) => s.labels['__name__'] === 'pod_curr_energy_in_pkg_millijoule')!;
    expect(classify({ ...raw, labels: { ...raw.labels, command: 'nginx' } })?.key).toBe(pkg.key);
  });

  it('books each sample over the interval since its node previous scrape: one 3 s period for the first, 15 s for the next', () => {
    // The excerpt as two scrapes 15 s apart (a steady pod): pkg 51 mJ + dram 1 mJ + gpu 0 per 3 s.
    const l = ledger(T - 3600);
    l.ingest(accounted(asStored(excerpt.samples, 'worker-1', [T, T + 15])));
    expect(joulesByNamespace(l)['test-1']).toBeCloseTo(0.052 + 0.052 * 5, 9);
  });
});

describe('Kepler v0.11.2 output with the fake CPU meter (Open Source Summit Korea 2025 deployment notes)', () => {
  const excerpt = readExcerpt('3-v0.11.2-fake-meter-osskorea.txt');

  it('parses the whole samples and skips the two lines their author elided', () => {
    expect(excerpt.skipped.length).toBe(2);
    expect(excerpt.skipped.every((l) => l.includes('...'))).toBe(true);
    expect([...names(excerpt.samples)].sort()).toEqual(['kepler_node_cpu_usage_ratio', 'kepler_node_cpu_watts']);
  });

  it('reads the node from the constant node_name label, and accounts no watts or ratio gauge', () => {
    for (const raw of asStored(excerpt.samples, '10.0.0.7:28282', [T])) {
      expect(raw.labels['node_name']).toBe('ip-172-31-79-223');
      expect(classify(raw)).toBeUndefined();
      // The same labels on the energy counter would be attributed to that node, not to the scrape target.
      const counter = classify({ ...raw, labels: { ...raw.labels, __name__: 'kepler_node_cpu_active_joules_total', zone: 'package' } });
      expect(counter?.node).toBe('ip-172-31-79-223');
    }
  });
});
