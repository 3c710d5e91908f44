/** Label sets and value notations for the generated promtool tests. */
import type { Config, RulesConfig } from '../config/index.js';
import { labelsMatching, matchersOf, num, type Labels } from './promql.js';

/** promtool's expanding notation for a counter growing at `watts` from 0: `0+<step>x<n>`. */
export const counter = (watts: number, intervalSeconds: number, steps: number): string => `0+${num(watts * intervalSeconds)}x${steps}`;

/** A constant series: `<v>x<n>`. */
export const constant = (v: number, steps: number): string => `${num(v)}x${steps}`;

/** A series starting at `start` and growing by `step` per interval (negative starts allowed). */
export const linear = (start: number, step: number, steps: number): string => `${num(start)}${step < 0 ? '-' : '+'}${num(Math.abs(step))}x${steps}`;

/** The extra grouping labels (`group_by` without `namespace`) with made-up values. */
export function extraGroupLabels(config: Config): Labels {
  return Object.fromEntries(config.groupBy.filter((l) => l !== 'namespace').map((l) => [l, `${l}-1`]));
}

/** What the test series of the service carry. */
export interface ServiceLabels {
  /** Labels every recording of the service keeps: the selector's and the extra grouping labels. */
  readonly kept: Labels;
  /** Two HA replicas: `kept` plus their own `instance` and `pod`. */
  readonly replicas: readonly [Labels, Labels];
}

export function serviceLabels(config: Config, rules: RulesConfig): ServiceLabels {
  // The selector wins over made-up grouping values: the series must match it.
  const kept = { ...extraGroupLabels(config), ...labelsMatching(matchersOf(rules.serviceSelector)) };
  return {
    kept,
    replicas: [
      { ...kept, instance: '10.0.0.1:9464', pod: 'energy-ledger-0' },
      { ...kept, instance: '10.0.0.2:9464', pod: 'energy-ledger-1' },
    ],
  };
}

/** A scrape target's own labels (for `up`, `energy_ledger_up`, …): the selector's plus `instance` and `pod`. */
export function targetLabels(rules: RulesConfig): Labels {
  return { ...labelsMatching(matchersOf(rules.serviceSelector)), instance: '10.0.0.1:9464', pod: 'energy-ledger-0' };
}

/** A namespace name not in `taken`. */
export function freeNamespace(base: string, taken: readonly string[]): string {
  let name = base;
  for (let i = 2; taken.includes(name); i++) name = `${base}-${i}`;
  return name;
}
