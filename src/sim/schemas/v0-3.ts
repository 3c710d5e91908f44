import type { FamilySpec, Labels, Sample } from '../families.js';
import type { Joules, NodeReading, PodReading } from '../kepler-state.js';
import { CORE_SHARE } from './v0-10.js';
import { DYNAMIC_SHARE } from './v0-4-v0-9.js';

/**
 * Kepler v0.3 (main 2022-08-24 … 2022-10-24): per-pod `pod_curr_*_millijoule` gauges holding the energy
 * of the last 3 s tick (integer mJ) and `pod_total_*_millijoule` counters; node gauges in joules with
 * Kepler's own `instance` label. Gauges are differences of the rounded cumulative mJ, so they add up
 * exactly to the counters.
 */

interface Component {
  readonly name: string;
  of(j: Joules): number;
}

const COMPONENTS: readonly Component[] = [
  { name: 'core', of: (j) => CORE_SHARE * j.package },
  { name: 'dram', of: (j) => j.dram },
  { name: 'gpu', of: (j) => j.gpu },
  { name: 'other', of: () => 0 },
  { name: 'pkg', of: (j) => j.package },
  { name: 'uncore', of: () => 0 },
];
const ALL: Component = { name: '', of: (j) => j.package + j.gpu };
const DYNAMIC: Component = { name: 'dynamic', of: (j) => DYNAMIC_SHARE * j.package };

const mJ = (joules: number): number => Math.round(joules * 1000);
const minus = (a: Joules, b: Joules): Joules => ({ package: a.package - b.package, dram: a.dram - b.dram, gpu: a.gpu - b.gpu });

function podLabels(p: PodReading): Labels {
  return { command: p.pod.command, pod_name: p.pod.name, pod_namespace: p.pod.namespace };
}

/** Energy of the last tick, mJ: difference of the rounded counters. */
function currMillijoules(p: PodReading, c: Component): number {
  return mJ(c.of(p.total)) - mJ(c.of(minus(p.total, p.window)));
}

function podFamilies(c: Component): FamilySpec[] {
  const infix = c === ALL ? '' : c === DYNAMIC ? 'dynamic_' : `in_${c.name}_`;
  const what = c === ALL ? '' : c === DYNAMIC ? ' dynamic' : '';
  const where = c === ALL || c === DYNAMIC ? '' : ` in ${c.name}`;
  const curr: FamilySpec = {
    name: c === DYNAMIC ? 'pod_curr_dynamic_energy_millijoule' : `pod_curr_energy_${infix}millijoule`,
    help: `pod_ current${what} energy consumption${where} (millijoule)`,
    type: 'gauge',
    samples: (r) => r.pods.map((p) => ({ labels: podLabels(p), value: currMillijoules(p, c) })),
  };
  const total: FamilySpec = {
    name: c === DYNAMIC ? 'pod_total_dynamic_energy_millijoule' : `pod_total_energy_${infix}millijoule`,
    help: `pod_ total${what} energy consumption${where} (millijoule)`,
    type: 'counter',
    samples: (r) => r.pods.map((p) => ({ labels: podLabels(p), value: mJ(c.of(p.total)) })),
  };
  return [curr, total];
}

/** Node energy of the last tick, joules with mJ resolution. */
function nodeWindow(r: NodeReading, c: Component): number {
  const j = r.activeWindow;
  const i = r.idleWindow;
  return mJ(c.of({ package: j.package + i.package, dram: j.dram + i.dram, gpu: j.gpu + i.gpu })) / 1000;
}

function nodeFamily(c: Component): FamilySpec {
  const where = c === ALL ? '' : ` in ${c.name}`;
  return {
    name: c === ALL ? 'node_curr_energy_joule' : `node_curr_energy_in_${c.name}_joule`,
    help: `node_ current energy consumption${where} (joule)`,
    type: 'gauge',
    samples: (r) => [{ labels: { instance: r.node.name }, value: nodeWindow(r, c) }],
  };
}

const nodeExtras: readonly FamilySpec[] = [
  {
    name: 'energy_stats_exporter_build_info',
    help: "A metric with a constant '1' value labeled by version, revision, branch, and goversion from which energy_stats_exporter was built.",
    type: 'gauge',
    samples: () => [{ labels: { branch: '', goversion: 'go1.18.1', revision: '', version: '' }, value: 1 }],
  },
  {
    name: 'node_cpu_scaling_frequency_hertz',
    help: 'Current scaled cpu thread frequency in hertz.',
    type: 'gauge',
    samples: (r) => ['0', '1'].map((cpu) => ({ labels: { cpu, instance: r.node.name }, value: 2_400_000 })),
  },
  {
    name: 'node_package_energy_millijoule',
    help: 'Current package energy by RAPL in joules.',
    type: 'gauge',
    samples: (r): Sample[] => {
      const pkg = Math.round(nodeWindow(r, COMPONENTS[4]!) * 1000);
      const core = Math.round(nodeWindow(r, COMPONENTS[0]!) * 1000);
      const dram = Math.round(nodeWindow(r, COMPONENTS[1]!) * 1000);
      return [{ labels: { core: String(core), dram: String(dram), instance: r.node.name, pkg_id: '0', uncore: '0' }, value: pkg }];
    },
  },
];

/** The v0.3 families (GPU gauges are always present, 0 without a GPU, as in Kepler). */
export function v03Families(): readonly FamilySpec[] {
  return [...[...COMPONENTS, ALL, DYNAMIC].flatMap(podFamilies), ...[...COMPONENTS, ALL].map(nodeFamily), ...nodeExtras];
}
