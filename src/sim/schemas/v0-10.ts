import type { FamilySpec, Labels, Sample } from '../families.js';
import type { Joules, NodeReading, PodReading } from '../kepler-state.js';

/**
 * Kepler v0.10+ (as of v0.11.4): `kepler_*_cpu_*` per RAPL zone with const `node_name`. Zones overlap on
 * purpose (core ⊂ package, psys ⊇ package + dram) so an accountant summing every zone is caught.
 */

/** Share of package energy in the `core` zone. */
export const CORE_SHARE = 0.85;
/** psys zone energy as a multiple of package + dram. */
const PSYS_FACTOR = 1.12;

interface Zone {
  readonly name: string;
  readonly path: string;
  /** RAPL `max_energy_range_uj` in joules: the raw counter wraps there. */
  readonly maxJoules: number;
  of(j: Joules): number;
}

const RAPL_ZONES: readonly Zone[] = [
  { name: 'package', path: '/host/sys/class/powercap/intel-rapl:0', maxJoules: 262143.32885, of: (j) => j.package },
  { name: 'core', path: '/host/sys/class/powercap/intel-rapl:0:0', maxJoules: 262143.32885, of: (j) => CORE_SHARE * j.package },
  { name: 'dram', path: '/host/sys/class/powercap/intel-rapl:0:1', maxJoules: 65712.999613, of: (j) => j.dram },
  { name: 'psys', path: '/host/sys/class/powercap/intel-rapl:1', maxJoules: 262143.32885, of: (j) => PSYS_FACTOR * (j.package + j.dram) },
];

/** hwmon (ARM servers, no RAPL): one sensor, `cpu_power`, covering package and DRAM; Kepler accumulates it (no wrap). */
const HWMON_ZONES: readonly Zone[] = [{ name: 'cpu_power', path: '/sys/class/hwmon/hwmon2', maxJoules: Number.MAX_SAFE_INTEGER, of: (j) => j.package + j.dram }];

const zonesOf = (r: NodeReading): readonly Zone[] => (r.node.hwmon === true ? HWMON_ZONES : RAPL_ZONES);

const watts = (joules: number, r: NodeReading): number => (r.windowSeconds > 0 ? joules / r.windowSeconds : 0);
const sum = (a: Joules, b: Joules): Joules => ({ package: a.package + b.package, dram: a.dram + b.dram, gpu: a.gpu + b.gpu });

function podLabels(p: PodReading, r: NodeReading): Labels {
  return { node_name: r.node.name, pod_id: p.pod.uid, pod_name: p.pod.name, pod_namespace: p.pod.namespace, state: p.state };
}

function containerLabels(p: PodReading, r: NodeReading): Labels {
  return {
    container_id: p.pod.containerId,
    container_name: p.pod.containerName,
    node_name: r.node.name,
    pod_id: p.pod.uid,
    runtime: 'containerd',
    state: p.state,
  };
}

function perZone(r: NodeReading, labels: (p: PodReading) => Labels, value: (p: PodReading, z: Zone) => number): Sample[] {
  return r.pods.flatMap((p) => zonesOf(r).map((z) => ({ labels: { ...labels(p), zone: z.name }, value: value(p, z) })));
}

function nodeZones(r: NodeReading, value: (z: Zone) => number): Sample[] {
  return zonesOf(r).map((z) => ({ labels: { node_name: r.node.name, path: z.path, zone: z.name }, value: value(z) }));
}

/** Pods whose GPU counter is above 0: Kepler exports pod and container GPU series only then. */
const gpuPods = (r: NodeReading): PodReading[] => r.pods.filter((p) => (p.pod.profile.gpu !== undefined || p.pod.gpuProcesses !== undefined) && p.gpuSum > 0);
/** Kepler exports the pod GPU power gauge only above 0 W. */
const gpuPowered = (r: NodeReading): PodReading[] => gpuPods(r).filter((p) => p.gpuWatts > 0);
const GPU_LABELS = { gpu: '0', gpu_name: 'NVIDIA A100-SXM4-40GB', vendor: 'nvidia' };

function nodeGpu(r: NodeReading, value: number): Sample[] {
  if (r.node.idleWatts.gpu === undefined) return [];
  return [{ labels: { ...GPU_LABELS, gpu_uuid: `GPU-${r.node.name}`, node_name: r.node.name }, value }];
}

const cpuFamilies: readonly FamilySpec[] = [
  {
    name: 'kepler_build_info',
    help: 'A metric with a constant \'1\' value labeled with version information',
    type: 'gauge',
    samples: () => [{ labels: { arch: 'amd64', branch: '', goversion: 'go1.24.4', revision: 'cdef4739', version: 'v0.11.4' }, value: 1 }],
  },
  {
    name: 'kepler_container_cpu_joules_total',
    help: 'Energy consumption of cpu at container level in joules',
    type: 'counter',
    samples: (r) => perZone(r, (p) => containerLabels(p, r), (p, z) => z.of(p.total)),
  },
  {
    name: 'kepler_container_cpu_watts',
    help: 'Power consumption of cpu at container level in watts',
    type: 'gauge',
    samples: (r) => perZone(r, (p) => containerLabels(p, r), (p, z) => watts(z.of(p.window), r)),
  },
  {
    name: 'kepler_node_cpu_active_joules_total',
    help: 'Energy consumption of cpu in active state at node level in joules',
    type: 'counter',
    samples: (r) => nodeZones(r, (z) => z.of(r.active)),
  },
  {
    name: 'kepler_node_cpu_active_watts',
    help: 'Power consumption of cpu in active state at node level in watts',
    type: 'gauge',
    samples: (r) => nodeZones(r, (z) => watts(z.of(r.activeWindow), r)),
  },
  {
    name: 'kepler_node_cpu_idle_joules_total',
    help: 'Energy consumption of cpu in idle state at node level in joules',
    type: 'counter',
    samples: (r) => nodeZones(r, (z) => z.of(r.idle)),
  },
  {
    name: 'kepler_node_cpu_idle_watts',
    help: 'Power consumption of cpu in idle state at node level in watts',
    type: 'gauge',
    samples: (r) => nodeZones(r, (z) => watts(z.of(r.idleWindow), r)),
  },
  {
    name: 'kepler_node_cpu_info',
    help: 'CPU information from procfs',
    type: 'gauge',
    samples: () =>
      ['0', '1'].map((cpu) => ({
        labels: { core_id: cpu, model_name: 'Intel(R) Xeon(R) Gold 6430', physical_id: '0', processor: cpu, vendor_id: 'GenuineIntel' },
        value: 1,
      })),
  },
  {
    name: 'kepler_node_cpu_joules_total',
    help: 'Energy consumption of cpu at node level in joules',
    type: 'counter',
    samples: (r) => {
      const boot = r.sinceBoot();
      return nodeZones(r, (z) => (r.node.raplOffsetJoules + z.of(boot)) % z.maxJoules);
    },
  },
  {
    name: 'kepler_node_cpu_usage_ratio',
    help: 'CPU usage ratio of a node (value between 0.0 and 1.0)',
    type: 'gauge',
    samples: (r) => {
      const total = r.activeWindow.package + r.idleWindow.package;
      return [{ labels: { node_name: r.node.name }, value: total > 0 ? r.activeWindow.package / total : 0 }];
    },
  },
  {
    name: 'kepler_node_cpu_watts',
    help: 'Power consumption of cpu at node level in watts',
    type: 'gauge',
    samples: (r) => nodeZones(r, (z) => watts(z.of(sum(r.activeWindow, r.idleWindow)), r)),
  },
  {
    name: 'kepler_pod_cpu_joules_total',
    help: 'Energy consumption of cpu at pod level in joules',
    type: 'counter',
    samples: (r) => perZone(r, (p) => podLabels(p, r), (p, z) => z.of(p.total)),
  },
  {
    name: 'kepler_pod_cpu_watts',
    help: 'Power consumption of cpu at pod level in watts',
    type: 'gauge',
    samples: (r) => perZone(r, (p) => podLabels(p, r), (p, z) => watts(z.of(p.window), r)),
  },
];

const gpuFamilies: readonly FamilySpec[] = [
  {
    name: 'kepler_container_gpu_joules_total',
    help: 'Energy consumption of gpu at container level in joules',
    type: 'counter',
    samples: (r) => gpuPods(r).map((p) => ({ labels: containerLabels(p, r), value: p.gpuSum })),
  },
  {
    name: 'kepler_container_gpu_watts',
    help: 'Power consumption of gpu at container level in watts',
    type: 'gauge',
    samples: (r) => gpuPowered(r).map((p) => ({ labels: containerLabels(p, r), value: p.gpuWatts })),
  },
  {
    name: 'kepler_node_gpu_active_joules_total',
    help: 'Energy consumption of gpu in active state at node level in joules',
    type: 'counter',
    samples: (r) => nodeGpu(r, r.active.gpu),
  },
  {
    name: 'kepler_node_gpu_active_watts',
    help: 'Power consumption of gpu in active state at node level in watts',
    type: 'gauge',
    samples: (r) => nodeGpu(r, watts(r.activeWindow.gpu, r)),
  },
  {
    name: 'kepler_node_gpu_idle_joules_total',
    help: 'Energy consumption of gpu in idle state at node level in joules',
    type: 'counter',
    samples: (r) => nodeGpu(r, r.idle.gpu),
  },
  {
    name: 'kepler_node_gpu_idle_watts',
    help: 'Power consumption of gpu in idle state at node level in watts',
    type: 'gauge',
    samples: (r) => nodeGpu(r, watts(r.idleWindow.gpu, r)),
  },
  {
    name: 'kepler_node_gpu_joules_total',
    help: 'Energy consumption of gpu at node level in joules',
    type: 'counter',
    samples: (r) => nodeGpu(r, r.active.gpu + r.idle.gpu),
  },
  {
    name: 'kepler_node_gpu_watts',
    help: 'Power consumption of gpu at node level in watts',
    type: 'gauge',
    samples: (r) => nodeGpu(r, watts(r.activeWindow.gpu + r.idleWindow.gpu, r)),
  },
  {
    name: 'kepler_pod_gpu_joules_total',
    help: 'Energy consumption of gpu at pod level in joules',
    type: 'counter',
    samples: (r) => gpuPods(r).map((p) => ({ labels: podLabels(p, r), value: p.gpuSum })),
  },
  {
    name: 'kepler_pod_gpu_watts',
    help: 'Power consumption of gpu at pod level in watts',
    type: 'gauge',
    samples: (r) => gpuPowered(r).map((p) => ({ labels: podLabels(p, r), value: p.gpuWatts })),
  },
];

/** The v0.10+ families; GPU families only when the scenario enables GPUs. */
export function v010Families(gpu: boolean): readonly FamilySpec[] {
  return gpu ? [...cpuFamilies, ...gpuFamilies] : cpuFamilies;
}
