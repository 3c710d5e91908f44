/**
 * promtool tests of a restart of energy-ledger: the same series is absent for a few scrapes (the process
 * restarts, backfills and restores) and comes back with the counter it would have had (the month to date is
 * a function of the data, not of the start). Neither the 5m power recordings, the chain over them nor the
 * burn alerts spike; with two replicas the recordings keep the value throughout.
 */
import type { Config, RulesConfig } from '../config/index.js';
import { METRICS } from '../exposition/names.js';
import { budgets } from './alerts.js';
import type { AlertTest, ExprTest, InputSeries, TestGroup } from './model.js';
import { ALERTS, SERVICE_RECORDS as R } from './names.js';
import { dur, num, seriesText, type Labels } from './promql.js';
import { DAY, HOUR } from './service-group.js';
import { serviceLabels } from './test-inputs.js';

/** The counter holds a day of energy when the test starts (the month to date). */
const BACKFILL = 26 * HOUR;
/** Scrapes the restarted process misses (stop, start, backfill, restore). */
const MISSING = 2;

const ceilTo = (seconds: number, I: number): number => Math.ceil(seconds / I) * I;

/** What the test series of one restart scenario look like, all derived from the configuration. */
export interface Plan {
  readonly I: number;
  /** The first sample of the new process. */
  readonly restartAt: number;
  /** Last evaluation of the test. */
  readonly end: number;
  readonly namespace: string;
  readonly watts: number;
}

/** The plan of the restart tests (also the power and namespace of the month-start test). */
export function planOf(rules: RulesConfig): Plan {
  const I = rules.evaluationIntervalSeconds;
  // Late enough for full 5m rates and a full 1h window before the restart.
  const restartAt = ceilTo(HOUR + 10 * 60, I);
  const { fast, slow } = rules.burnRate;
  const end = ceilTo(restartAt + Math.max(HOUR / 2, fast.forSeconds, slow.forSeconds) + 2 * I, I);
  const [first] = budgets(rules);
  // With a budget: at most half the lowest burn-rate factor, so only a spike could fire the burn alerts.
  // A power of two keeps the counters and PromQL's divisions exact in floating point.
  const wanted = first === undefined ? 2 : ((first[1] / 24) * Math.min(fast.factor, slow.factor)) / 2;
  const watts = 2 ** Math.floor(Math.log2(wanted));
  return { I, restartAt, end, namespace: first?.[0] ?? 'shop', watts };
}

/** A joules counter over the whole test, at constant power: absent for {@link MISSING} scrapes before `restartAt` when it restarts, then the same line. */
function counterValues(p: Plan, watts: number, restarts: boolean): string {
  const step = num(watts * p.I);
  const steps = p.end / p.I;
  if (!restarts) return `${num(watts * BACKFILL)}+${step}x${steps}`;
  const r = p.restartAt / p.I;
  return `${num(watts * BACKFILL)}+${step}x${r - MISSING - 1} _x${MISSING} ${num(watts * (BACKFILL + p.restartAt))}+${step}x${steps - r}`;
}

/** A promql_expr_test of `expr` at `at` expecting `samples` (labelled with `name`). */
export function exprTest(expr: string, at: number, samples: readonly { labels: Labels; value: number }[], name = expr): ExprTest {
  return { expr, eval_time: dur(at), exp_samples: samples.map((s) => ({ labels: seriesText(name, s.labels), value: s.value })) };
}

/** The only replica restarts: 5m power dips while its counter is absent (extrapolation), never rises; no burn alert fires. */
function singleReplica(config: Config, rules: RulesConfig): TestGroup {
  const p = planOf(rules);
  const { kept, replicas } = serviceLabels(config, rules);
  const [a] = replicas;
  const ns: Labels = { ...kept, namespace: p.namespace };
  const node: Labels = { ...kept, node: 'worker-1' };
  const inputs: InputSeries[] = [
    { series: seriesText(METRICS.namespaceJoules.name, { ...a, namespace: p.namespace }), values: counterValues(p, p.watts, true) },
    { series: seriesText(METRICS.nodeJoules.name, { ...a, node: 'worker-1' }), values: counterValues(p, p.watts, true) },
  ];
  const absent = Array.from({ length: MISSING }, (_, k) => p.restartAt - (MISSING - k) * p.I);
  const chainAt = ceilTo(p.restartAt + HOUR / 2, p.I);
  // No point of the day's mean can exceed the constant power: the bound holds only without a spike.
  const dayBound = (24 * p.watts * (chainAt / p.I + 1)) / (DAY / p.I);
  const atMost = (expr: string, bound: number, at: number, labels: Labels): ExprTest => ({
    expr: `${expr} <= bool ${num(bound)}`,
    eval_time: dur(at),
    exp_samples: [{ labels: seriesText('', labels), value: 1 }],
  });
  const tests: ExprTest[] = [
    exprTest(R.namespacePower, p.restartAt - (MISSING + 1) * p.I, [{ labels: ns, value: p.watts }]),
    ...absent.flatMap((t) => [atMost(R.namespacePower, p.watts, t, ns), atMost(R.nodePower, p.watts, t, node)]),
    exprTest(R.namespacePower, p.restartAt, [{ labels: ns, value: p.watts }]),
    exprTest(R.nodePower, p.restartAt, [{ labels: node, value: p.watts }]),
    atMost(R.namespacePowerOver(HOUR), p.watts, chainAt, ns),
    atMost(R.namespaceHourWh, p.watts, chainAt, ns),
    atMost(R.namespaceDayWh, dayBound, chainAt, ns),
  ];
  const quiet = (alertname: string, forSeconds: number): AlertTest[] =>
    [p.restartAt + forSeconds, p.restartAt + forSeconds + MISSING * p.I].map((t) => ({ eval_time: dur(ceilTo(t, p.I)), alertname, exp_alerts: [] }));
  const alerts =
    budgets(rules).length === 0
      ? []
      : [...quiet(ALERTS.budgetBurnFast, rules.burnRate.fast.forSeconds), ...quiet(ALERTS.budgetBurnSlow, rules.burnRate.slow.forSeconds)];
  return {
    name: 'a restart of the only replica (counter absent for a few scrapes, then the same) gives 5m power no spike, and no burn alert fires',
    interval: dur(p.I),
    input_series: inputs,
    promql_expr_test: tests,
    ...(alerts.length === 0 ? {} : { alert_rule_test: alerts }),
  };
}

/** One of two replicas restarts: the recordings keep the other replica's value throughout. */
function twoReplicas(config: Config, rules: RulesConfig): TestGroup {
  const p = planOf(rules);
  const { kept, replicas } = serviceLabels(config, rules);
  const [a, b] = replicas;
  const ns: Labels = { ...kept, namespace: p.namespace };
  const inputs: InputSeries[] = [
    { series: seriesText(METRICS.namespaceJoules.name, { ...a, namespace: p.namespace }), values: counterValues(p, p.watts, true) },
    { series: seriesText(METRICS.namespaceJoules.name, { ...b, namespace: p.namespace }), values: counterValues(p, p.watts, false) },
  ];
  const times = Array.from({ length: MISSING + 3 }, (_, k) => p.restartAt - (MISSING + 1) * p.I + k * p.I);
  const chainAt = ceilTo(p.restartAt + HOUR / 2, p.I);
  const tests: ExprTest[] = [
    ...times.map((t) => exprTest(R.namespacePower, t, [{ labels: ns, value: p.watts }])),
    // Prometheus 2.x: a full 1h window holds 1h/I + 1 points, all at the constant power.
    exprTest(R.namespacePowerOver(HOUR), chainAt, [{ labels: ns, value: p.watts }]),
  ];
  return {
    name: 'a restart of one of two replicas keeps 5m power and the chain at the other replica value',
    interval: dur(p.I),
    input_series: inputs,
    promql_expr_test: tests,
  };
}

/** The restart tests of the service's recordings. */
export function restartTests(config: Config, rules: RulesConfig): TestGroup[] {
  return [singleReplica(config, rules), twoReplicas(config, rules)];
}
