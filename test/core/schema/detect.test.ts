import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CLASSIFY_OPTIONS,
  DETECTION_METRIC_NAMES,
  METRIC_NAMES_BY_SCHEMA,
  SCHEMA_SPECS,
  classifySeries,
  detectSchemas,
  schemaOfMetric,
  schemasByNode,
} from '../../../src/core/schema/index.js';
import { SCHEMAS, type SeriesDescriptor } from '../../../src/core/types.js';
import { v10Node, v10Pod, v3Pod, v4Container, v4Node } from './series.js';

describe('detectSchemas', () => {
  it.each([
    [['kepler_build_info'], ['v0.10+']],
    [['kepler_node_cpu_joules_total'], ['v0.10+']],
    [['kepler_exporter_build_info'], ['v0.4-v0.9']],
    [['kepler_container_joules_total'], ['v0.4-v0.9']],
    [['kepler_container_package_joules_total'], ['v0.4-v0.9']],
    [['pod_curr_energy_in_pkg_millijoule'], ['v0.3']],
    [['kepler_exporter_build_info', 'kepler_pod_cpu_joules_total'], ['v0.10+', 'v0.4-v0.9']],
    [['pod_curr_energy_in_pkg_millijoule', 'energy_stats_exporter_build_info', 'kepler_container_joules_total', 'kepler_build_info'], ['v0.10+', 'v0.4-v0.9', 'v0.3']],
    [['energy_stats_exporter_build_info'], []],
    [['up', 'node_cpu_seconds_total'], []],
    [[], []],
  ])('detects %j as %j', (names, expected) => {
    expect(detectSchemas(new Set(names))).toEqual(expected);
  });
});

describe('DETECTION_METRIC_NAMES', () => {
  it('includes the build info and energy fingerprints of every schema, once each', () => {
    for (const name of [
      'kepler_build_info',
      'kepler_exporter_build_info',
      'energy_stats_exporter_build_info',
      'kepler_pod_cpu_joules_total',
      'kepler_container_joules_total',
      'kepler_container_package_joules_total',
      'pod_curr_energy_in_pkg_millijoule',
    ]) {
      expect(DETECTION_METRIC_NAMES).toContain(name);
    }
    expect(new Set(DETECTION_METRIC_NAMES).size).toBe(DETECTION_METRIC_NAMES.length);
  });

  it('detects each schema from its own names only', () => {
    for (const schema of SCHEMAS) {
      const own = DETECTION_METRIC_NAMES.filter((n) => schemaOfMetric(n) === schema);
      expect(detectSchemas(new Set(own))).toEqual([schema]);
    }
  });
});

describe('schemaOfMetric', () => {
  it.each([
    ['kepler_node_cpu_joules_total', 'v0.10+'],
    ['kepler_pod_gpu_joules_total', 'v0.10+'],
    ['kepler_container_joules_total', 'v0.4-v0.9'],
    ['kepler_node_dram_joules_total', 'v0.4-v0.9'],
    ['energy_stats_exporter_build_info', 'v0.3'],
    ['node_curr_energy_in_gpu_joule', 'v0.3'],
    ['up', undefined],
  ])('maps %s to %s', (name, schema) => {
    expect(schemaOfMetric(name)).toBe(schema);
  });
});

describe('the catalogue', () => {
  it('never accounts the wrapping RAPL counter or the inconsistent container total', () => {
    expect(METRIC_NAMES_BY_SCHEMA['v0.10+']).not.toContain('kepler_node_cpu_joules_total');
    expect(METRIC_NAMES_BY_SCHEMA['v0.4-v0.9']).not.toContain('kepler_container_joules_total');
  });

  it('lists for each schema only metrics of that schema, with unique key codes', () => {
    for (const schema of SCHEMAS) {
      expect(METRIC_NAMES_BY_SCHEMA[schema].length).toBeGreaterThan(0);
      for (const name of METRIC_NAMES_BY_SCHEMA[schema]) expect(schemaOfMetric(name)).toBe(schema);
    }
    const codes = SCHEMA_SPECS.flatMap((s) => s.metrics.map((m) => m.code));
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('schemasByNode', () => {
  it('finds a node that runs two schemas during an upgrade', () => {
    const descriptors = [
      v10Pod(),
      v10Node({ node_name: 'worker-2' }),
      v4Node({ exported_instance: 'worker-2' }),
      v4Container({ node: 'worker-3' }),
      v3Pod({ instance: 'worker-3' }),
    ].map((s) => classifySeries(s, DEFAULT_CLASSIFY_OPTIONS) as SeriesDescriptor);
    const byNode = schemasByNode(descriptors);
    expect([...byNode.keys()].sort()).toEqual(['worker-1', 'worker-2', 'worker-3']);
    expect(byNode.get('worker-1')).toEqual(new Set(['v0.10+']));
    expect(byNode.get('worker-2')).toEqual(new Set(['v0.10+', 'v0.4-v0.9']));
    expect(byNode.get('worker-3')).toEqual(new Set(['v0.4-v0.9', 'v0.3']));
  });
});
