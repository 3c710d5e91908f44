import type { RawSeries } from '../../../src/core/types.js';

/**
 * Labels Prometheus adds when a ServiceMonitor scrapes the Kepler exporter pod: they describe
 * Kepler itself (namespace `kepler`), never the workload.
 */
export const TARGET_LABELS: Readonly<Record<string, string>> = {
  namespace: 'kepler',
  pod: 'kepler-exporter-x7k2p',
  container: 'kepler-exporter',
  endpoint: 'http',
  service: 'kepler-exporter',
  job: 'kepler-exporter',
  instance: '10.244.1.7:9102',
};

/** A series as `/api/v1/query` returns it for a range selector: target labels plus Kepler's own. */
export function series(name: string, labels: Readonly<Record<string, string>>): RawSeries {
  return {
    labels: { __name__: name, ...TARGET_LABELS, ...labels },
    timestamps: [1700000000, 1700000030],
    values: [10, 12],
  };
}

export const POD_ID = '0c6f2d3e-1a2b-4c5d-8e9f-a0b1c2d3e4f5';
export const CONTAINER_ID = '3f1c2a9e0b7d4c6e8a1f2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70';

/** v0.10+ pod series (Kepler v0.11.4 label set). */
export function v10Pod(overrides: Readonly<Record<string, string>> = {}, name = 'kepler_pod_cpu_joules_total'): RawSeries {
  return series(name, {
    node_name: 'worker-1',
    pod_id: POD_ID,
    pod_name: 'web-7d9f8b6c5d-x2kqp',
    pod_namespace: 'shop',
    state: 'running',
    zone: 'package',
    ...overrides,
  });
}

/** v0.10+ node series. */
export function v10Node(overrides: Readonly<Record<string, string>> = {}, name = 'kepler_node_cpu_active_joules_total'): RawSeries {
  return series(name, { node_name: 'worker-1', path: '/host/sys/class/powercap/intel-rapl:0', zone: 'package', ...overrides });
}

/** v0.7.12-style container series. */
export function v4Container(overrides: Readonly<Record<string, string>> = {}, name = 'kepler_container_package_joules_total'): RawSeries {
  return series(name, {
    container_id: CONTAINER_ID,
    container_name: 'web',
    container_namespace: 'shop',
    pod_name: 'web-7d9f8b6c5d-x2kqp',
    mode: 'dynamic',
    source: 'rapl-sysfs',
    ...overrides,
  });
}

/** v0.7.12-style node series: Kepler's own `instance` became `exported_instance` on ingestion. */
export function v4Node(overrides: Readonly<Record<string, string>> = {}, name = 'kepler_node_package_joules_total'): RawSeries {
  return series(name, { exported_instance: 'worker-1', package: '0', mode: 'dynamic', source: 'rapl-sysfs', ...overrides });
}

/** v0.3 pod gauge, shaped like the 2022 API output (`instance` relabelled to the node name). */
export function v3Pod(overrides: Readonly<Record<string, string>> = {}, name = 'pod_curr_energy_in_pkg_millijoule'): RawSeries {
  return series(name, {
    instance: 'c3.small.x86-01',
    command: 'helm-contr',
    pod_name: 'helm-controller-68b799b589-5zh7z',
    pod_namespace: 'flux-system',
    ...overrides,
  });
}
