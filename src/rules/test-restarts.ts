/**
 * promtool tests of a restart of energy-ledger: the same series comes back with its counter lower (a new,
 * later origin) and a new `process_start_time_seconds`. The 5m power recordings must leave that series out
 * while the rate window holds the reset, so neither they, the chain over them nor the burn alerts spike.
 */
import type { Config, RulesConfig } from '../config/types.js';
import { METRICS } from '../exposition/names.js';
import { budgets } from './alerts.js';
import type { AlertTest, ExprTest, InputSeries, TestGroup } from './model.js';
import { ALERTS, SERVICE_RECORDS as R } from './names.js';
import { dur, num, seriesText, type Labels } from './promql.js';
import { DAY, HOUR, PROCESS_START, RATE_WINDOW } from './service-group.js';
import { constant, serviceLabels } from './test-inputs.js';

/** The counter of the process before the restart counts from 26 h back; the new origin is 1 h later. */
const BACKFILL = 26 * HOUR;
const ORIGIN_SHIFT = HOUR;
/** Start time of the process before the restart (seconds since the epoch, any value works). */
const STARTED = 1_700_000_000;

const ceilTo = (seconds: number, I: number): number => Math.ceil(seconds / I) * I;

/** What the test series of one restart scenario look like, all derived from the configuration. */
interface Plan {
  readonly I: number;
  /** The first sample of the new process. */
  readonly restartAt: number;
  /** Evaluations whose 5m window holds both the last old sample and the first new one. */
  readonly gap: number;
  /** Last evaluation of the test. */
  readonly end: number;
  readonly namespace: string;
  readonly watts: number;
}

function planOf(rules: RulesConfig): Plan {
  const I = rules.evaluationIntervalSeconds;
  // Late enough for full 5m rates and a full 1h window before the restart.
  const restartAt = ceilTo(HOUR + 10 * 60, I);
  const gap = Math.floor((RATE_WINDOW - I) / I) + 1;
  const { fast, slow } = rules.burnRate;
  const end = ceilTo(restartAt + Math.max(HOUR / 2, fast.forSeconds, slow.forSeconds) + 2 * I, I);
  const [first] = budgets(rules);
  // With a budget: at most half the lowest burn-rate factor, so only a spike could fire the burn alerts.
  // A power of two keeps the counters and PromQL's divisions exact in floating point.
  const wanted = first === undefined ? 2 : ((first[1] / 24) * Math.min(fast.factor, slow.factor)) / 2;
  const watts = 2 ** Math.floor(Math.log2(wanted));
  return { I, restartAt, gap, end, namespace: first?.[0] ?? 'shop', watts };
}

/** A joules counter over the whole test: restarting at `restartAt` from an origin 1 h later, or not. */
function counterValues(p: Plan, watts: number, restarts: boolean): string {
  const step = num(watts * p.I);
  const steps = p.end / p.I;
  if (!restarts) return `${num(watts * BACKFILL)}+${step}x${steps}`;
  const r = p.restartAt / p.I;
  const after = watts * (BACKFILL - ORIGIN_SHIFT + p.restartAt);
  return `${num(watts * BACKFILL)}+${step}x${r - 1} ${num(after)}+${step}x${steps - r}`;
}

/** `process_start_time_seconds` of a target, changing at `restartAt` when it restarts. */
function startTimeValues(p: Plan, restarts: boolean): string {
  const steps = p.end / p.I;
  if (!restarts) return constant(STARTED, steps);
  const r = p.restartAt / p.I;
  return `${constant(STARTED, r - 1)} ${constant(STARTED + p.restartAt, steps - r)}`;
}

/** The scrape target's own series: its labels, plus the target's own `namespace` (not the workload's). */
const startTimeSeries = (replica: Labels, p: Plan, restarts: boolean): InputSeries => ({
  series: seriesText(PROCESS_START, { ...replica, namespace: 'energy-ledger', service: 'energy-ledger' }),
  values: startTimeValues(p, restarts),
});

function exprTest(expr: string, at: number, samples: readonly { labels: Labels; value: number }[], name = expr): ExprTest {
  return { expr, eval_time: dur(at), exp_samples: samples.map((s) => ({ labels: seriesText(name, s.labels), value: s.value })) };
}

/**
 * Mean of the 5m recording over the last hour at `at` (Prometheus 2.x: a full window holds 1h/I + 1 points),
 * with `missing` evaluations left out.
 */
const hourMean = (p: Plan, watts: number, missing: number): number => {
  const points = HOUR / p.I + 1 - missing;
  return (points * watts) / Math.max(points, HOUR / p.I);
};

/** The only replica restarts: a gap of a few evaluations in 5m power, none of the reset in the chain or the alerts. */
function singleReplica(config: Config, rules: RulesConfig): TestGroup {
  const p = planOf(rules);
  const { kept, replicas } = serviceLabels(config, rules);
  const [a] = replicas;
  const ns: Labels = { ...kept, namespace: p.namespace };
  const node: Labels = { ...kept, node: 'worker-1' };
  const inputs: InputSeries[] = [
    { series: seriesText(METRICS.namespaceJoules.name, { ...a, namespace: p.namespace }), values: counterValues(p, p.watts, true) },
    { series: seriesText(METRICS.nodeJoules.name, { ...a, node: 'worker-1' }), values: counterValues(p, p.watts, true) },
    startTimeSeries(a, p, true),
  ];
  const gapTimes = Array.from({ length: p.gap }, (_, k) => p.restartAt + k * p.I);
  const back = p.restartAt + p.gap * p.I;
  const chainAt = ceilTo(p.restartAt + HOUR / 2, p.I);
  // No point of the day's mean can exceed the constant power: the bound holds only without a spike.
  const dayBound = (24 * p.watts * (chainAt / p.I + 1)) / (DAY / p.I);
  const dayExpr = `${R.namespaceDayWh} <= bool ${num(dayBound)}`;
  const tests: ExprTest[] = [
    exprTest(R.namespacePower, p.restartAt - p.I, [{ labels: ns, value: p.watts }]),
    ...gapTimes.flatMap((t) => [exprTest(R.namespacePower, t, []), exprTest(R.nodePower, t, [])]),
    exprTest(R.namespacePower, back, [{ labels: ns, value: p.watts }]),
    exprTest(R.nodePower, back, [{ labels: node, value: p.watts }]),
    exprTest(R.namespacePowerOver(HOUR), chainAt, [{ labels: ns, value: hourMean(p, p.watts, p.gap) }]),
    exprTest(R.namespaceHourWh, chainAt, [{ labels: ns, value: hourMean(p, p.watts, p.gap) }]),
    { expr: dayExpr, eval_time: dur(chainAt), exp_samples: [{ labels: seriesText('', ns), value: 1 }] },
  ];
  const quiet = (alertname: string, forSeconds: number): AlertTest[] =>
    [p.restartAt + forSeconds, p.restartAt + forSeconds + p.gap * p.I].map((t) => ({ eval_time: dur(ceilTo(t, p.I)), alertname, exp_alerts: [] }));
  const alerts =
    budgets(rules).length === 0
      ? []
      : [...quiet(ALERTS.budgetBurnFast, rules.burnRate.fast.forSeconds), ...quiet(ALERTS.budgetBurnSlow, rules.burnRate.slow.forSeconds)];
  return {
    name: 'a restart of the only replica (counter lower, new process start time) leaves a gap in 5m power, not a spike, and no burn alert fires',
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
    startTimeSeries(a, p, true),
    { series: seriesText(METRICS.namespaceJoules.name, { ...b, namespace: p.namespace }), values: counterValues(p, p.watts, false) },
    startTimeSeries(b, p, false),
  ];
  const times = [p.restartAt - p.I, ...Array.from({ length: p.gap + 1 }, (_, k) => p.restartAt + k * p.I)];
  const chainAt = ceilTo(p.restartAt + HOUR / 2, p.I);
  const tests: ExprTest[] = [
    ...times.map((t) => exprTest(R.namespacePower, t, [{ labels: ns, value: p.watts }])),
    exprTest(R.namespacePowerOver(HOUR), chainAt, [{ labels: ns, value: hourMean(p, p.watts, 0) }]),
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
