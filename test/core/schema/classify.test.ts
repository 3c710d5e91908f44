import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CLASSIFY_OPTIONS,
  classifySeries,
  createClassifier,
  resolveNode,
  type ClassifyOptions,
} from '../../../src/core/schema/index.js';
import type { RawSeries, SeriesDescriptor } from '../../../src/core/types.js';
import { CONTAINER_ID, POD_ID, series, v10Node, v10Pod, v3Pod, v4Container, v4Node } from './series.js';

const opts: ClassifyOptions = DEFAULT_CLASSIFY_OPTIONS;
const classify = (raw: RawSeries, options: ClassifyOptions = opts): SeriesDescriptor | undefined => classifySeries(raw, options);
const must = (raw: RawSeries, options: ClassifyOptions = opts): SeriesDescriptor => {
  const d = classify(raw, options);
  if (d === undefined) throw new Error(`expected ${raw.labels['__name__']} to be in scope`);
  return d;
};

describe('v0.10+ series', () => {
  it('takes the workload namespace from pod_namespace, never from the kepler target label', () => {
    const d = must(v10Pod());
    expect(d).toMatchObject({ schema: 'v0.10+', scope: 'namespace', kind: 'counter', toJoules: 1, component: 'package', node: 'worker-1' });
    expect(d.group).toEqual(['shop']);
    expect(d.samplePeriodSeconds).toBeUndefined();
  });

  it('gives the running and the terminated series of a pod the same key', () => {
    expect(must(v10Pod({ state: 'terminated' })).key).toBe(must(v10Pod({ state: 'running' })).key);
  });

  it('gives different pods, zones and nodes different keys', () => {
    const keys = [
      v10Pod(),
      v10Pod({ pod_id: 'ffffffff-1a2b-4c5d-8e9f-a0b1c2d3e4f5' }),
      v10Pod({ zone: 'dram' }),
      v10Pod({ node_name: 'worker-2' }),
      v10Pod({}, 'kepler_pod_gpu_joules_total'),
    ].map((s) => must(s).key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('maps zone dram to the dram component', () => {
    expect(must(v10Pod({ zone: 'dram' })).component).toBe('dram');
  });

  it.each(['core', 'uncore', 'psys', 'package-0', ''])('leaves the overlapping or unknown zone %j out of scope', (zone) => {
    expect(classify(v10Pod({ zone }))).toBeUndefined();
    expect(classify(v10Node({ zone }))).toBeUndefined();
  });

  it('accounts pod GPU energy as the gpu component', () => {
    const gpu = v10Pod({ zone: '' }, 'kepler_pod_gpu_joules_total');
    expect(must(gpu).component).toBe('gpu');
    expect(classify(gpu, { ...opts, components: ['package', 'dram'] })).toBeUndefined();
  });

  it('never reads the wrapping raw RAPL counter or watt gauges', () => {
    for (const name of ['kepler_node_cpu_joules_total', 'kepler_pod_cpu_watts', 'kepler_container_cpu_joules_total', 'kepler_build_info']) {
      expect(classify(v10Node({}, name))).toBeUndefined();
    }
  });

  it('keys active and idle node energy apart and groups both by node_name', () => {
    const active = must(v10Node());
    const idle = must(v10Node({}, 'kepler_node_cpu_idle_joules_total'));
    expect(active.key).not.toBe(idle.key);
    expect(active).toMatchObject({ scope: 'node', group: ['worker-1'], node: 'worker-1', component: 'package' });
    expect(idle.group).toEqual(['worker-1']);
  });

  it('keys node GPUs by their gpu labels', () => {
    const a = must(v10Node({ zone: '', gpu: '0', gpu_uuid: 'GPU-aaaa' }, 'kepler_node_gpu_active_joules_total'));
    const b = must(v10Node({ zone: '', gpu: '1', gpu_uuid: 'GPU-bbbb' }, 'kepler_node_gpu_active_joules_total'));
    expect(a.component).toBe('gpu');
    expect(a.key).not.toBe(b.key);
  });
});

describe('v0.4–v0.9 series', () => {
  it('takes the workload namespace from container_namespace, never from the kepler target label', () => {
    const d = must(v4Container());
    expect(d).toMatchObject({ schema: 'v0.4-v0.9', scope: 'namespace', kind: 'counter', toJoules: 1, component: 'package' });
    expect(d.group).toEqual(['shop']);
  });

  it('keeps the same key when command or source change', () => {
    const base = must(v4Container({ command: 'java' })).key;
    expect(must(v4Container({ command: 'sh' })).key).toBe(base);
    expect(must(v4Container({ command: 'java', source: 'estimator' })).key).toBe(base);
  });

  it('accounts both modes as separate series', () => {
    const dynamic = must(v4Container({ mode: 'dynamic' }));
    const idle = must(v4Container({ mode: 'idle' }));
    expect(dynamic.key).not.toBe(idle.key);
    expect(dynamic.group).toEqual(idle.group);
  });

  it('drops a mode that is not selected and keeps series from before the mode label existed', () => {
    const dynamicOnly = { ...opts, modes: ['dynamic'] };
    expect(classify(v4Container({ mode: 'idle' }), dynamicOnly)).toBeUndefined();
    expect(classify(v4Container({ mode: 'dynamic' }), dynamicOnly)).toBeDefined();
    const { mode: _mode, ...v04 } = v4Container().labels;
    expect(classify({ ...v4Container(), labels: v04 }, dynamicOnly)).toBeDefined();
  });

  it('identifies a container by container_id, or by container_name when container_id is absent (v0.4)', () => {
    expect(must(v4Container({ container_name: 'renamed' })).key).toBe(must(v4Container()).key);
    const { container_id: _id, ...v04 } = v4Container().labels;
    const web = must({ ...v4Container(), labels: v04 });
    const sidecar = must({ ...v4Container(), labels: { ...v04, container_name: 'sidecar' } });
    expect(web.key).not.toBe(sidecar.key);
    expect(web.key).not.toBe(must(v4Container()).key);
  });

  it('maps each component family and ignores the aggregate and other families', () => {
    expect(must(v4Container({}, 'kepler_container_dram_joules_total')).component).toBe('dram');
    expect(must(v4Container({}, 'kepler_container_gpu_joules_total')).component).toBe('gpu');
    for (const name of ['kepler_container_joules_total', 'kepler_container_other_joules_total', 'kepler_container_core_joules_total']) {
      expect(classify(v4Container({}, name))).toBeUndefined();
    }
  });

  it('reads the node of node metrics from exported_instance and keys sockets apart', () => {
    const s0 = must(v4Node());
    const s1 = must(v4Node({ package: '1' }));
    expect(s0).toMatchObject({ scope: 'node', node: 'worker-1', group: ['worker-1'], component: 'package' });
    expect(s0.key).not.toBe(s1.key);
    expect(must(v4Node({ source: 'rapl-msr' })).key).toBe(s0.key);
  });

  it('keys node GPUs apart by index', () => {
    const g0 = must(v4Node({ package: '', index: '0' }, 'kepler_node_gpu_joules_total'));
    const g1 = must(v4Node({ package: '', index: '1' }, 'kepler_node_gpu_joules_total'));
    expect(g0.key).not.toBe(g1.key);
  });
});

describe('v0.3 series', () => {
  it('is a millijoule gauge over the configured sample period, grouped by pod_namespace', () => {
    const d = must(v3Pod(), { ...opts, samplePeriodSeconds: 5 });
    expect(d).toMatchObject({ schema: 'v0.3', scope: 'namespace', kind: 'gauge', toJoules: 0.001, samplePeriodSeconds: 5 });
    expect(d.group).toEqual(['flux-system']);
    expect(must(v3Pod()).samplePeriodSeconds).toBe(3);
  });

  it('keeps the same key when the command label changes', () => {
    expect(must(v3Pod({ command: 'kustomize-' })).key).toBe(must(v3Pod()).key);
  });

  it('reads node gauges in joules per sample period', () => {
    const d = must(series('node_curr_energy_in_dram_joule', { exported_instance: 'worker-1' }));
    expect(d).toMatchObject({ scope: 'node', kind: 'gauge', toJoules: 1, component: 'dram', node: 'worker-1', group: ['worker-1'] });
  });

  it('ignores the totals and the aggregate gauges', () => {
    for (const name of ['pod_total_energy_in_pkg_millijoule', 'pod_curr_energy_millijoule', 'pod_curr_energy_in_core_millijoule', 'node_energy_stat']) {
      expect(classify(v3Pod({}, name))).toBeUndefined();
    }
  });
});

describe('node resolution', () => {
  const all = { node_name: 'a', node: 'b', exported_instance: 'c', instance: 'd' };
  it.each([
    [all, 'a'],
    [{ ...all, node_name: '' }, 'b'],
    [{ exported_instance: 'c', instance: 'd' }, 'c'],
    [{ instance: 'd' }, 'd'],
    [{ namespace: 'kepler', pod: 'kepler-exporter-x' }, ''],
  ])('resolves %j to %j', (labels, node) => {
    expect(resolveNode(labels)).toBe(node);
  });

  it('prefers a relabelled node label over the target instance on container series', () => {
    expect(must(v4Container({ node: 'worker-9' })).node).toBe('worker-9');
    expect(must(v4Container()).node).toBe('10.244.1.7:9102');
  });
});

describe('grouping', () => {
  const byCluster: ClassifyOptions = { ...opts, groupBy: ['cluster', 'namespace'] };

  it('puts extra labels before the workload namespace, in configured order', () => {
    expect(must(v10Pod({ cluster: 'prod-eu' }), byCluster).group).toEqual(['prod-eu', 'shop']);
    expect(must(v4Container({ cluster: 'prod-eu' }), { ...opts, groupBy: ['namespace', 'cluster'] }).group).toEqual(['shop', 'prod-eu']);
  });

  it('uses an empty value for a missing extra label', () => {
    expect(must(v3Pod(), byCluster).group).toEqual(['', 'flux-system']);
  });

  it('groups node series by the extra labels then the node', () => {
    expect(must(v10Node({ cluster: 'prod-eu' }), byCluster).group).toEqual(['prod-eu', 'worker-1']);
  });

  it('keys the same series of two clusters apart', () => {
    expect(must(v10Pod({ cluster: 'a' }), byCluster).key).not.toBe(must(v10Pod({ cluster: 'b' }), byCluster).key);
  });

  it('tells nodes of the same name in two clusters apart by their node key, and pod from node series not', () => {
    const pod = (cluster: string) => must(v3Pod({ cluster, node: 'worker-1' }), byCluster);
    const node = must(series('node_curr_energy_in_pkg_joule', { cluster: 'a', exported_instance: 'worker-1' }), byCluster);
    expect(pod('a').node).toBe(pod('b').node);
    expect(pod('a').nodeKey).not.toBe(pod('b').nodeKey);
    expect(node.nodeKey).toBe(pod('a').nodeKey);
    // Without extra grouping labels the node name is the node's identity.
    expect(must(v3Pod({ node: 'worker-1' })).nodeKey).toBeUndefined();
  });
});

describe('keys', () => {
  it('differ across schemas and scopes for identical label values', () => {
    const labels = { node_name: 'n', pod_id: 'p', pod_namespace: 'ns', pod_name: 'p', zone: 'package', mode: 'dynamic', package: '0' };
    const names = ['kepler_pod_cpu_joules_total', 'kepler_node_cpu_active_joules_total', 'kepler_container_package_joules_total',
      'kepler_node_package_joules_total', 'pod_curr_energy_in_pkg_millijoule', 'node_curr_energy_in_pkg_joule'];
    const keys = names.map((n) => must(series(n, labels)).key);
    expect(new Set(keys).size).toBe(names.length);
  });

  it('stay under 150 characters for realistic container series', () => {
    const d = must(v4Container({ node: 'ip-10-0-123-45.eu-west-1.compute.internal', cluster: 'prod-eu-west-1' }), {
      ...opts,
      groupBy: ['cluster', 'namespace'],
    });
    expect(d.key.length).toBeLessThan(150);
    expect(must(v10Pod()).key.length).toBeLessThan(80);
  });

  it('still tell apart ids that differ in one hex digit after packing', () => {
    const otherContainer = CONTAINER_ID.slice(0, -1) + '1';
    const otherPod = POD_ID.slice(0, -1) + '6';
    expect(must(v4Container({ container_id: otherContainer })).key).not.toBe(must(v4Container()).key);
    expect(must(v10Pod({ pod_id: otherPod })).key).not.toBe(must(v10Pod()).key);
  });
});

describe('classifier', () => {
  it('returns undefined for unknown or unnamed series', () => {
    expect(classify(series('up', { node_name: 'x' }))).toBeUndefined();
    expect(classify({ labels: { pod_namespace: 'shop' }, timestamps: [], values: [] })).toBeUndefined();
  });

  it('gives the same answer prebuilt or through classifySeries', () => {
    const c = createClassifier(opts);
    for (const s of [v10Pod(), v4Container(), v3Pod(), v4Node()]) expect(c(s)).toEqual(classify(s));
  });

  it('rejects a sample period that is not positive', () => {
    expect(() => createClassifier({ ...opts, samplePeriodSeconds: 0 })).toThrow(/samplePeriodSeconds/);
    expect(() => createClassifier({ ...opts, samplePeriodSeconds: Number.NaN })).toThrow(/samplePeriodSeconds/);
  });
});
