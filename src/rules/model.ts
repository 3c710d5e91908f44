/** The generated artefacts as plain data, shaped like their YAML (snake_case keys where Prometheus uses them). */

/** A recording rule. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** The annotations every alert carries. */
export interface AlertAnnotations {
  readonly summary: string;
  /** A Go template: `{{ $labels.name }}` and `{{ printf "%.Nf" $value }}` only (see `template.ts`). */
  readonly description: string;
  readonly runbook_url: string;
}

/** An alerting rule. */
export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly keep_firing_for?: string;
  readonly labels: Readonly<Record<string, string>> & { readonly severity: string };
  readonly annotations: AlertAnnotations;
}

export type Rule = RecordingRule | AlertingRule;

/** A rule group. Every generated group sets its interval: the windows are multiples of it. */
export interface RuleGroup {
  readonly name: string;
  readonly interval: string;
  readonly rules: readonly Rule[];
}

/** One input series of a promtool test, in promtool's expanding notation. */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** A promtool `promql_expr_test`. */
export interface ExprTest {
  readonly expr: string;
  readonly eval_time: string;
  readonly exp_samples: readonly { readonly labels: string; readonly value: number }[];
}

/** A promtool `alert_rule_test`; an empty `exp_alerts` asserts that nothing fires. */
export interface AlertTest {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts: readonly { readonly exp_labels: Readonly<Record<string, string>>; readonly exp_annotations: AlertAnnotations }[];
}

/** One promtool test group. */
export interface TestGroup {
  readonly name: string;
  readonly interval: string;
  readonly input_series: readonly InputSeries[];
  readonly promql_expr_test?: readonly ExprTest[];
  readonly alert_rule_test?: readonly AlertTest[];
}

export const isAlert = (rule: Rule): rule is AlertingRule => 'alert' in rule;
