import type { FamilySpec, Labels, Sample } from '../families.js';
import type { Joules, NodeReading, PodReading } from '../kepler-state.js';
import { CORE_SHARE } from './v0-10.js';
import { DEFAULT_V04_VERSION, v04BuildInfo } from './v0-4-build-info.js';

/**
 * Kepler v0.4–v0.9 (as of v0.7.12, identical through v0.9.0): one `kepler_{container,node}_<component>_joules_total`
 * counter family per component, modes `dynamic` and `idle`, const `source`, container namespace in
 * `container_namespace`; node families carry Kepler's own `instance` label.
 */

/** Share of a container's energy reported with `mode="dynamic"` (the rest is `idle`). */
export const DYNAMIC_SHARE = 0.8;
/** Platform (ACPI) energy as a multiple of package + dram. */
const PLATFORM_FACTOR = 1.3;

type Mode = 'dynamic' | 'idle';
const MODES: readonly Mode[] = ['dynamic', 'idle'];

interface Component {
  readonly name: string;
  readonly source: string;
  /** Node `package` label. */
  readonly socket: string;
  of(j: Joules): number;
}

const COMPONENTS: readonly Component[] = [
  { name: 'core', source: 'rapl-sysfs', socket: '0', of: (j) => CORE_SHARE * j.package },
  { name: 'dram', source: 'rapl-sysfs', socket: '0', of: (j) => j.dram },
  { name: 'other', source: 'rapl-sysfs', socket: 'socket0', of: () => 0 },
  { name: 'package', source: 'rapl-sysfs', socket: '0', of: (j) => j.package },
  { name: 'platform', source: 'acpi', socket: 'energy1', of: (j) => PLATFORM_FACTOR * (j.package + j.dram) },
  { name: 'uncore', source: 'rapl-sysfs', socket: '0', of: () => 0 },
];
const GPU: Component = { name: 'gpu', source: 'nvidia', socket: '0', of: (j) => j.gpu };

const share = (mode: Mode): number => (mode === 'dynamic' ? DYNAMIC_SHARE : 1 - DYNAMIC_SHARE);

function containerLabels(p: PodReading, mode: Mode, source: string): Labels {
  return {
    container_id: p.pod.containerId,
    container_name: p.pod.containerName,
    container_namespace: p.pod.namespace,
    mode,
    pod_name: p.pod.name,
    source,
  };
}

function containerSamples(r: NodeReading, source: string, value: (j: Joules) => number): Sample[] {
  return r.pods.flatMap((p) => MODES.map((mode) => ({ labels: containerLabels(p, mode, source), value: share(mode) * value(p.total) })));
}

/** Node dynamic energy is the dynamic share of the processes; idle adds the node's idle baseline. */
function nodeSamples(r: NodeReading, c: Component): Sample[] {
  return MODES.map((mode) => ({
    labels: { instance: r.node.name, mode, package: c.socket, source: c.source },
    value: share(mode) * c.of(r.active) + (mode === 'idle' ? c.of(r.idle) : 0),
  }));
}

function componentFamilies(c: Component): FamilySpec[] {
  const help = `Aggregated value in ${c.name} value from ${c.source}`;
  return [
    { name: `kepler_container_${c.name}_joules_total`, help, type: 'counter', samples: (r) => containerSamples(r, c.source, c.of) },
    { name: `kepler_node_${c.name}_joules_total`, help, type: 'counter', samples: (r) => nodeSamples(r, c) },
  ];
}

const otherFamilies: readonly FamilySpec[] = [
  {
    name: 'kepler_container_joules_total',
    help: 'Aggregated value in joules value from ',
    type: 'counter',
    samples: (r, s) => containerSamples(r, '', (j) => j.package + j.dram + (s.gpu ? j.gpu : 0)),
  },
  {
    name: 'kepler_node_info',
    help: 'Aggregated value in  value from os',
    type: 'counter',
    samples: () => [
      {
        labels: { components_power_source: 'rapl-sysfs', cpu_architecture: 'Sapphire Rapids', platform_power_source: 'acpi', source: 'os' },
        value: 1,
      },
    ],
  },
];

/**
 * The v0.4–v0.9 families; the GPU families only when the scenario enables GPUs. Only the build info
 * depends on `version` (see `v0-4-build-info.ts`); the energy families are v0.7.12's.
 */
export function v04Families(gpu: boolean, version = DEFAULT_V04_VERSION): readonly FamilySpec[] {
  const components = gpu ? [...COMPONENTS, GPU] : COMPONENTS;
  return [...components.flatMap(componentFamilies), ...otherFamilies, v04BuildInfo(version, gpu)];
}
