/** Rule generator: recording rules, alerts, their promtool tests and a PrometheusRule, from the config. */
export { rules, RulesWriteError } from './command.js';
export { RULE_FILES, buildRuleSet, generateRuleFiles, rulesOf, type RuleSet } from './generate.js';
export { ALERTS, GROUPS, KEPLER_RECORDS, SERVICE_RECORDS, runbookAnchor } from './names.js';
export { GENERATED_HEADER } from './render.js';
export type { AlertingRule, RecordingRule, RuleGroup, TestGroup } from './model.js';
