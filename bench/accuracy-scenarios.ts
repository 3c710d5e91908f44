/**
 * The accuracy scenarios and the PromQL users run today, per Kepler schema. Each scenario is a
 * simulated cluster (`src/sim`) written into a real Prometheus; see `docs/accuracy.md`.
 */
import { generateScenario, type Scenario, type ScenarioOptions } from '../src/sim/index.js';
import type { SchemaId } from '../src/core/types.js';

/** One accuracy scenario: how the cluster behaves during the evaluated hours. */
export interface AccuracyScenario {
  readonly name: string;
  /** Scenario options for `hours` evaluated hours starting at `firstHour`. */
  options(firstHour: number, hours: number): ScenarioOptions;
}

const MINUTE = 60;
const HOUR = 3600;

/** Steady load, heavy churn, Kepler restarts, a 7-minute scrape gap (3 nodes, 12 namespaces, 15 s scrapes). */
export const ACCURACY_SCENARIOS: readonly AccuracyScenario[] = [
  { name: 'steady', options: () => ({ seed: 11, churn: 0 }) },
  { name: 'churn', options: () => ({ seed: 12, churn: 60 }) },
  {
    name: 'restarts',
    options: (firstHour, hours) => {
      // One restart every 4 evaluated hours (at least 2), rotating over the nodes.
      const count = Math.max(2, Math.round(hours / 4));
      const nodes = ['worker-1', 'worker-2', 'worker-3'];
      return {
        seed: 13,
        churn: 0,
        restarts: Array.from({ length: count }, (_, i) => ({ node: nodes[i % 3]!, time: firstHour + ((i + 0.5) * hours * HOUR) / count + 0.123 })),
      };
    },
  },
  {
    name: 'gap',
    // Straddles the end of the first evaluated hour: 3 min before it to 4 min after it.
    options: (firstHour) => ({ seed: 14, churn: 0, gaps: [{ start: firstHour + HOUR - 3 * MINUTE, end: firstHour + HOUR + 4 * MINUTE }] }),
  },
];

/**
 * Kepler v0.10+ only: steady plus GPUs whose pods run processes that come and go (2–3 overlapping
 * process slots per GPU pod, 5–60 min each). A pod's GPU counter is the sum over its running processes
 * and drops when one exits while others run; `increase()` takes every drop for a reset. Run after the
 * other scenarios (its own time slot), so their rows do not move.
 */
export const GPU_SCENARIO: AccuracyScenario = { name: 'gpu', options: () => ({ seed: 15, churn: 0, gpu: true, gpuProcesses: true }) };

/** A scenario instance: the simulated cluster and the hours it is evaluated on. */
export interface AccuracyRun {
  readonly scenario: Scenario;
  readonly name: string;
  readonly firstHour: number;
  readonly hours: number;
}

/**
 * The scenario with one warm-up hour before the evaluated hours and one after them (so samples after
 * the last hour's end exist, as they do for any hour but the current one): 26 h for 24 evaluated hours.
 */
export function accuracyRun(spec: AccuracyScenario, schema: SchemaId, start: number, hours: number): AccuracyRun {
  const firstHour = start + HOUR;
  const scenario = generateScenario({
    ...spec.options(firstHour, hours),
    schema,
    start,
    durationSeconds: (hours + 2) * HOUR,
  });
  return { scenario, name: spec.name, firstHour, hours };
}

/** The PromQL forms compared with the ledger, per schema. */
export interface PromqlForms {
  /** Namespace label of the schema's pod series. */
  readonly namespaceLabel: string;
  /** Series selectors of the in-scope pod families, one query each (their labels collide across names). */
  readonly selectors: readonly string[];
  /** What users do today, evaluated at each hour's end. */
  readonly users: (selector: string) => string;
  readonly usersLabel: string;
  /** Kepler's former recording rule (`increase(…[1h:15s])`); absent for v0.3, which had gauges and no rules. */
  readonly rule?: (selector: string) => string;
}

/** The PromQL forms for a schema, with the scrape interval and Kepler tick of the scenario (v0.3 gauges). */
export function promqlForms(schema: SchemaId, scrapeSeconds: number, tickSeconds: number): PromqlForms {
  const byNs = (label: string, inner: string): string => `sum by (${label}) (${inner})`;
  switch (schema) {
    case 'v0.10+':
      return {
        namespaceLabel: 'pod_namespace',
        selectors: ['kepler_pod_cpu_joules_total{zone=~"package|dram"}', 'kepler_pod_gpu_joules_total'],
        users: (s) => byNs('pod_namespace', `increase(${s}[1h])`),
        usersLabel: 'increase()[1h]',
        rule: (s) => byNs('pod_namespace', `increase(${s}[1h:15s])`),
      };
    case 'v0.4-v0.9':
      return {
        namespaceLabel: 'container_namespace',
        selectors: ['kepler_container_package_joules_total', 'kepler_container_dram_joules_total', 'kepler_container_gpu_joules_total'],
        users: (s) => byNs('container_namespace', `increase(${s}[1h])`),
        usersLabel: 'increase()[1h]',
        rule: (s) => byNs('container_namespace', `increase(${s}[1h:15s])`),
      };
    case 'v0.3':
      // Kepler v0.3's dashboard: sum_over_time of the per-tick gauge, scaled by scrape interval / tick, mJ → J.
      return {
        namespaceLabel: 'pod_namespace',
        selectors: ['pod_curr_energy_in_pkg_millijoule', 'pod_curr_energy_in_dram_millijoule', 'pod_curr_energy_in_gpu_millijoule'],
        users: (s) => `${byNs('pod_namespace', `sum_over_time(${s}[1h])`)} * ${scrapeSeconds / tickSeconds} / 1000`,
        usersLabel: 'sum_over_time()[1h]',
      };
  }
}
