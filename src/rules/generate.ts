/** From a configuration to the text of the three generated files. Pure: no I/O. */
import { DEFAULT_RULES, type Config, type RulesConfig } from '../config/index.js';
import { alertGroup } from './alerts.js';
import { keplerRecordingGroup } from './kepler-group.js';
import type { RuleGroup, TestGroup } from './model.js';
import { dur } from './promql.js';
import { renderPrometheusRule, renderRuleFile, renderTestFile } from './render.js';
import { serviceRecordingGroup } from './service-group.js';
import { alertTests } from './test-alerts.js';
import { monthStartTest } from './test-month-start.js';
import { restartTests } from './test-restarts.js';
import { keplerRecordingTests, serviceRecordingTests } from './test-recordings.js';

/** File names written into the output directory. */
export const RULE_FILES = {
  rules: 'energy-ledger.rules.yaml',
  tests: 'energy-ledger.test.yaml',
  prometheusRule: 'energy-ledger.prometheusrule.yaml',
} as const;

/** The generated groups and tests, as data. */
export interface RuleSet {
  readonly groups: readonly RuleGroup[];
  readonly tests: readonly TestGroup[];
}

/**
 * The `rules:` settings with each namespace's daily budget taken from the top-level `budgets:` (the one
 * place budgets are set, also exposed as `energy_ledger_namespace_budget_watt_hours`).
 */
export function rulesOf(config: Config): RulesConfig {
  const rules = config.rules ?? DEFAULT_RULES;
  const namespaces = { ...rules.namespaces };
  for (const [ns, budget] of Object.entries(config.budgets ?? {})) {
    if (budget.dailyWh !== undefined) namespaces[ns] = { ...namespaces[ns], dailyBudgetWh: budget.dailyWh };
  }
  return { ...rules, namespaces };
}

/** The groups (recordings, optional Kepler recordings, alerts) and their promtool tests. */
export function buildRuleSet(config: Config): RuleSet {
  const rules = rulesOf(config);
  const recordings = serviceRecordingGroup(rules);
  const kepler = rules.keplerGroup ? [keplerRecordingGroup(config, rules)] : [];
  const alerts = alertGroup(rules);
  const tests = [
    ...serviceRecordingTests(config, rules),
    ...restartTests(config, rules),
    monthStartTest(config, rules),
    ...(rules.keplerGroup ? keplerRecordingTests(config, rules) : []),
    ...alertTests(config, rules, alerts),
  ];
  return { groups: [recordings, ...kepler, alerts], tests };
}

/** The text of each generated file, keyed like {@link RULE_FILES}. */
export function generateRuleFiles(config: Config): Record<keyof typeof RULE_FILES, string> {
  const rules = rulesOf(config);
  const { groups, tests } = buildRuleSet(config);
  return {
    rules: renderRuleFile(groups),
    // Recordings first, so alerts at the same timestamp see the values recorded for it.
    tests: renderTestFile(RULE_FILES.rules, dur(rules.evaluationIntervalSeconds), groups.map((g) => g.name), tests),
    prometheusRule: renderPrometheusRule(groups, rules),
  };
}
