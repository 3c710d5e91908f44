/**
 * promtool tests of every alert: a firing case just past its threshold and a quiet case at (or just
 * under) it, so that changing a threshold, factor or budget by hand in the rule file fails a test.
 * Where `for` spans two intervals or more, the firing case also checks that the alert is not firing
 * one interval before `for` has elapsed.
 */
import type { BurnRateWindow, Config, RulesConfig } from '../config/index.js';
import { LABEL_REASON, LABEL_SCHEMA, LABEL_VERSION, METRICS } from '../exposition/names.js';
import { DECIMALS, budgets, hourlyOverrides } from './alerts.js';
import type { AlertTest, AlertingRule, InputSeries, RuleGroup, TestGroup } from './model.js';
import { ALERTS } from './names.js';
import { dur, matchersOf, seriesText, type Labels } from './promql.js';
import { clearOfTies, renderTemplate } from './template.js';
import { constant, counter, freeNamespace, linear, serviceLabels, targetLabels } from './test-inputs.js';

/** How far past a threshold the firing case goes (and, where `>` cannot be hit exactly, the quiet case stays under). */
const MARGIN = 0.01;

interface Expected {
  readonly labels: Labels;
  readonly value: number;
}

/** Builds the `exp_alerts` of the rule(s) named `alertname` whose expression mentions `mentions`. */
function expected(group: RuleGroup, alertname: string, cases: readonly (Expected & { mentions?: string })[]): AlertTest['exp_alerts'] {
  const rules = group.rules.filter((r): r is AlertingRule => 'alert' in r && r.alert === alertname);
  return cases.map((c) => {
    const rule = rules.find((r) => c.mentions === undefined || r.expr.includes(c.mentions)) ?? rules[0];
    if (rule === undefined) throw new Error(`failed to build tests: no alert ${alertname}`);
    const labels = { ...c.labels, ...rule.labels };
    return {
      exp_labels: labels,
      exp_annotations: { ...rule.annotations, description: renderTemplate(rule.annotations.description, labels, c.value) },
    };
  });
}

interface Case {
  readonly name: string;
  readonly inputs: readonly InputSeries[];
  readonly alertname: string;
  readonly at: number;
  readonly firing: AlertTest['exp_alerts'];
  /** Checked one interval before `at − pending`, where it must not fire yet. */
  readonly pendingSeconds?: number;
  readonly startSeconds?: number;
}

function testGroup(I: number, c: Case): TestGroup {
  const checks: AlertTest[] = [];
  const pending = c.pendingSeconds ?? 0;
  if (c.firing.length > 0 && pending >= 2 * I) {
    checks.push({ eval_time: dur((c.startSeconds ?? 0) + pending - I), alertname: c.alertname, exp_alerts: [] });
  }
  checks.push({ eval_time: dur(c.at), alertname: c.alertname, exp_alerts: c.firing });
  return { name: c.name, interval: dur(I), input_series: c.inputs, alert_rule_test: checks };
}

/** Smallest multiple of `I` at or above `seconds`. */
const ceilTo = (seconds: number, I: number): number => Math.ceil(seconds / I) * I;

function hourlyTests(config: Config, rules: RulesConfig, group: RuleGroup): TestGroup[] {
  const I = rules.evaluationIntervalSeconds;
  const forS = rules.forSeconds.hourlyEnergyHigh;
  const at = ceilTo(forS, I) + 5 * I;
  const n = at / I + 1;
  const [a] = serviceLabels(config, rules).replicas;
  const { kept } = serviceLabels(config, rules);
  const overrides = hourlyOverrides(rules);
  const defaultNs = freeNamespace('team-default', Object.keys(rules.namespaces));
  const thresholds: [string, number, string | undefined][] = [
    [defaultNs, rules.hourlyThresholdWh, undefined],
    ...overrides.map(([ns, t]): [string, number, string] => [ns, t, `namespace="${ns}"`]),
  ];
  const series = (ns: string, period: string, v: number): InputSeries => ({
    series: seriesText(METRICS.namespacePeriod.name, { ...a, namespace: ns, period }),
    values: constant(v, n),
  });
  const firingValue = (t: number): number => {
    let v = t * (1 + MARGIN);
    while (!clearOfTies(v, DECIMALS.wh)) v *= 1.0001;
    return v;
  };
  const firing: Case = {
    name: `${ALERTS.hourlyEnergyHigh} fires for a namespace whose previous hour is just above its threshold (default and overrides)`,
    inputs: thresholds.map(([ns, t]) => series(ns, 'previous_hour', firingValue(t))),
    alertname: ALERTS.hourlyEnergyHigh,
    at,
    pendingSeconds: forS,
    firing: expected(
      group,
      ALERTS.hourlyEnergyHigh,
      thresholds.map(([ns, t, mentions]) => ({ labels: { ...kept, namespace: ns, period: 'previous_hour' }, value: firingValue(t), ...(mentions ? { mentions } : {}) })),
    ),
  };
  const quiet: Case = {
    name: `${ALERTS.hourlyEnergyHigh} stays quiet at exactly the threshold, and for the current hour far above it`,
    inputs: thresholds.flatMap(([ns, t]) => [series(ns, 'previous_hour', t), series(ns, 'current_hour', 10 * t)]),
    alertname: ALERTS.hourlyEnergyHigh,
    at,
    firing: [],
  };
  return [testGroup(I, firing), testGroup(I, quiet)];
}

function burnTests(config: Config, rules: RulesConfig, group: RuleGroup, alertname: string, w: BurnRateWindow, speed: string): TestGroup[] {
  const list = budgets(rules);
  if (list.length === 0) return [];
  const I = rules.evaluationIntervalSeconds;
  // The long window must hold only full 5m rates, then the condition must hold for `for`.
  const start = w.longWindowSeconds + 10 * 60;
  const at = ceilTo(start + w.forSeconds, I) + 2 * I;
  const n = at / I + 1;
  const [a] = serviceLabels(config, rules).replicas;
  const { kept } = serviceLabels(config, rules);
  /** Power whose burn rate is `factor × (1 ± MARGIN)`, rounded to what the per-interval increments can hold. */
  const wattsFor = (budget: number, sign: 1 | -1): number => {
    let m = 1 + sign * MARGIN;
    for (;;) {
      const step = Number((((w.factor * m * budget) / 24) * I).toPrecision(12));
      const watts = step / I;
      if (clearOfTies((watts * 24) / budget, DECIMALS.burn)) return watts;
      m += sign * 0.0001;
    }
  };
  const counterOf = (ns: string, watts: number): InputSeries => ({
    series: seriesText(METRICS.namespaceJoules.name, { ...a, namespace: ns }),
    values: counter(watts, I, n),
  });
  const firing: Case = {
    name: `${alertname} fires when both windows burn just above ${w.factor} times the daily budget`,
    inputs: list.map(([ns, budget]) => counterOf(ns, wattsFor(budget, 1))),
    alertname,
    at,
    firing: expected(
      group,
      alertname,
      list.map(([ns, budget]) => ({ labels: { ...kept, namespace: ns }, value: (wattsFor(budget, 1) * 24) / budget, mentions: `namespace="${ns}"` })),
    ),
  };
  const quiet: Case = {
    name: `${alertname} stays quiet when the ${speed} windows burn just under ${w.factor} times the daily budget`,
    inputs: list.map(([ns, budget]) => counterOf(ns, wattsFor(budget, -1))),
    alertname,
    at,
    firing: [],
  };
  return [testGroup(I, firing), testGroup(I, quiet)];
}

function healthTests(rules: RulesConfig, group: RuleGroup): TestGroup[] {
  const I = rules.evaluationIntervalSeconds;
  const f = rules.forSeconds;
  const target = targetLabels(rules);
  const settle = (forS: number, from = 0): number => ceilTo(from + forS, I) + 2 * I;
  const on = (metric: string, labels: Labels, values: string): InputSeries => ({ series: seriesText(metric, labels), values });
  const pair = (alertname: string, forS: number, what: { firing: string; quiet: string }, firingInputs: InputSeries[], quietInputs: InputSeries[], labels: Labels, value: number, from = 0): TestGroup[] => {
    const at = settle(forS, from);
    return [
      testGroup(I, {
        name: `${alertname} fires ${what.firing}`,
        inputs: firingInputs,
        alertname,
        at,
        pendingSeconds: forS,
        startSeconds: from,
        firing: expected(group, alertname, [{ labels, value }]),
      }),
      testGroup(I, { name: `${alertname} stays quiet ${what.quiet}`, inputs: quietInputs, alertname, at, firing: [] }),
    ];
  };
  const steps = (forS: number, from = 0): number => settle(forS, from) / I + 1;
  /** A pair whose only input is one target series, held at `firing` in one test and at `quiet` in the other. */
  const levels = (alertname: string, forS: number, what: { firing: string; quiet: string }, metric: string, firing: number, quiet: number): TestGroup[] =>
    pair(alertname, forS, what, [on(metric, target, constant(firing, steps(forS)))], [on(metric, target, constant(quiet, steps(forS)))], target, firing);
  const lag = rules.watermarkMaxLagSeconds;
  // `>` is strict: a lag of exactly the maximum is quiet; the firing lag is a whole number of seconds above it.
  const firingLag = lag + Math.max(1, Math.ceil(lag * MARGIN));
  // The firing watermark turns positive (and the alert pending) once time passes the lag.
  const lagFrom = ceilTo(firingLag + 1, I);
  const info = { ...target, [LABEL_SCHEMA]: 'v0.10+', [LABEL_VERSION]: 'v0.11.0' };
  return [
    ...levels(ALERTS.down, f.down, { firing: 'when the target cannot be scraped', quiet: 'while the target is scraped' }, 'up', 0, 1),
    ...pair(
      ALERTS.absent,
      f.absent,
      { firing: 'when no target matches the selector', quiet: 'while a target exists, even one that is down' },
      [on('up', { job: 'some-other-job', instance: '10.0.0.9:80' }, constant(1, steps(f.absent)))],
      [on('up', target, constant(0, steps(f.absent)))],
      Object.fromEntries(matchersOf(rules.serviceSelector).filter((m) => m.op === '=').map((m) => [m.name, m.value])),
      1,
    ),
    ...levels(ALERTS.pollsFailing, f.pollsFailing, { firing: 'when every poll fails', quiet: 'while polls succeed' }, METRICS.up.name, 0, 1),
    ...pair(
      ALERTS.watermarkLagging,
      f.watermarkLagging,
      { firing: 'when the watermark lags just more than the maximum', quiet: 'when the lag is exactly the maximum' },
      [on(METRICS.dataWatermark.name, target, linear(-firingLag, I, steps(f.watermarkLagging, lagFrom)))],
      [on(METRICS.dataWatermark.name, target, linear(-lag, I, steps(f.watermarkLagging, lagFrom)))],
      target,
      firingLag,
      lagFrom,
    ),
    ...pair(
      ALERTS.keplerAbsent,
      f.keplerAbsent,
      { firing: 'when the service polls but finds no Kepler schema', quiet: 'while a Kepler schema is detected' },
      [on(METRICS.up.name, target, constant(1, steps(f.keplerAbsent)))],
      [on(METRICS.up.name, target, constant(1, steps(f.keplerAbsent))), on(METRICS.keplerInfo.name, info, constant(1, steps(f.keplerAbsent)))],
      target,
      1,
    ),
    ...levels(
      ALERTS.namespaceOverflow,
      f.namespaceOverflow,
      { firing: 'when series of namespaces beyond the cap are summed into __other__', quiet: 'while every namespace is under the cap' },
      METRICS.namespaceOverflowSeries.name,
      3,
      0,
    ),
    ...levels(
      ALERTS.metricsTooLarge,
      f.metricsTooLarge,
      { firing: 'when /metrics holds one series more than rules.metrics_max_series', quiet: 'when /metrics holds exactly rules.metrics_max_series' },
      METRICS.metricsSeries.name,
      rules.metricsMaxSeries + 1,
      rules.metricsMaxSeries,
    ),
  ];
}

/**
 * The carbon intensity alert. Test series are sampled every interval I. A counter growing by 1 per I
 * makes `increase()` over a window W exactly W/I once the window is full (the range starts on a sample).
 * After a single failure at s, the increase is positive at s … s + W − I only, so the alert stays
 * pending for W − I and never fires when that is shorter than `for`.
 */
function carbonIntensityTests(rules: RulesConfig, group: RuleGroup): TestGroup[] {
  const I = rules.evaluationIntervalSeconds;
  const W = rules.carbonIntensityErrorWindowSeconds;
  const forS = rules.forSeconds.carbonIntensityFailing;
  const name = ALERTS.carbonIntensityFailing;
  const target = targetLabels(rules);
  const errors = (reason: string, values: string): InputSeries => ({ series: seriesText(METRICS.carbonIntensityErrors.name, { ...target, [LABEL_REASON]: reason }), values });
  // The condition holds from the second sample (t = I) on; the value is exact once a whole window is sampled.
  const at = Math.max(ceilTo(I + forS, I), W) + 2 * I;
  const n = at / I + 1;
  const groups = [
    testGroup(I, {
      name: `${name} fires when every read fails for the whole of for, with the failures of the window summed over reasons`,
      inputs: [errors('timeout', linear(0, 1, n)), errors('unreachable', constant(0, n))],
      alertname: name,
      at,
      pendingSeconds: forS,
      startSeconds: I,
      firing: expected(group, name, [{ labels: target, value: W / I }]),
    }),
    testGroup(I, {
      name: `${name} stays quiet while reads succeed after earlier failures (the counters stand still)`,
      inputs: [errors('timeout', constant(3, n)), errors('unreachable', constant(0, n))],
      alertname: name,
      at,
      firing: [],
    }),
  ];
  if (W - I < forS) {
    // One failure at s = 2I; the last evaluation that still sees it is s + W − I.
    const s = 2 * I;
    groups.push(
      testGroup(I, {
        name: `${name} stays quiet after a single failed read, which leaves the ${dur(W)} window before ${dur(forS)} have passed`,
        inputs: [errors('timeout', `${constant(0, 1)} ${constant(1, W / I + 2)}`)],
        alertname: name,
        at: s + W - I,
        firing: [],
      }),
    );
  }
  return groups;
}

/** Tests of every alert of `group`. */
export function alertTests(config: Config, rules: RulesConfig, group: RuleGroup): TestGroup[] {
  return [
    ...hourlyTests(config, rules, group),
    ...burnTests(config, rules, group, ALERTS.budgetBurnFast, rules.burnRate.fast, 'fast'),
    ...burnTests(config, rules, group, ALERTS.budgetBurnSlow, rules.burnRate.slow, 'slow'),
    ...healthTests(rules, group),
    ...carbonIntensityTests(rules, group),
  ];
}
