/** The alerting rules: namespace energy (hourly threshold, budget burn) and the service's own health. */
import type { BurnRateWindow, RulesConfig } from '../config/index.js';
import { LABEL_REASON, LABEL_SCHEMA, LABEL_VERSION, METRICS } from '../exposition/names.js';
import type { AlertingRule, RuleGroup } from './model.js';
import { ALERTS, GROUPS, SERVICE_RECORDS as R, runbookAnchor } from './names.js';
import { dur, eq, matchersOf, num, selectorOf } from './promql.js';
import { servicePowerRecord } from './service-group.js';
import { label, value } from './template.js';

/** Decimals of `$value` in the descriptions. */
export const DECIMALS = { wh: 1, burn: 2, seconds: 0, count: 0 } as const;

/** How long an alert keeps firing once its condition is gone (short dips and brief gaps do not resolve it). */
const KEEP_FIRING = { hourly: 300, keplerAbsent: 300, watermark: 300 } as const;

const PREVIOUS_HOUR = eq('period', 'previous_hour');
const HOURS_PER_DAY = 24;

function timing(forSeconds: number, keepSeconds?: number): Pick<AlertingRule, 'for' | 'keep_firing_for'> {
  return {
    ...(forSeconds > 0 ? { for: dur(forSeconds) } : {}),
    ...(keepSeconds !== undefined && keepSeconds > 0 ? { keep_firing_for: dur(keepSeconds) } : {}),
  };
}

/**
 * An alerting rule. Rules for one namespace also carry its `namespace` label (the series have it
 * anyway), so that rules sharing an alert name differ in labels, as `promtool check rules` wants.
 */
function alert(
  rules: RulesConfig,
  name: string,
  severity: string,
  expr: string,
  summary: string,
  description: string,
  t: ReturnType<typeof timing>,
  namespace?: string,
): AlertingRule {
  const labels = { severity, ...(namespace === undefined ? {} : { namespace }) };
  return { alert: name, expr, ...t, labels, annotations: { summary, description, runbook_url: `${rules.runbookUrl}#${runbookAnchor(name)}` } };
}

/** Namespaces with their own hourly threshold, sorted. */
export const hourlyOverrides = (rules: RulesConfig): [string, number][] =>
  Object.entries(rules.namespaces)
    .flatMap(([ns, n]): [string, number][] => (n.hourlyThresholdWh === undefined ? [] : [[ns, n.hourlyThresholdWh]]))
    .sort(([a], [b]) => a.localeCompare(b));

/** Namespaces with a daily budget, sorted. */
export const budgets = (rules: RulesConfig): [string, number][] =>
  Object.entries(rules.namespaces)
    .flatMap(([ns, n]): [string, number][] => (n.dailyBudgetWh === undefined ? [] : [[ns, n.dailyBudgetWh]]))
    .sort(([a], [b]) => a.localeCompare(b));

/** One rule for the default threshold (namespaces without an override), one per override. */
function hourlyAlerts(rules: RulesConfig): AlertingRule[] {
  const overrides = hourlyOverrides(rules);
  const others = overrides.length === 0 ? [] : [`namespace!~"${overrides.map(([ns]) => ns).join('|')}"`];
  const make = (matchers: string[], threshold: number, namespace?: string): AlertingRule =>
    alert(
      rules,
      ALERTS.hourlyEnergyHigh,
      'warning',
      `${selectorOf(R.namespacePeriodWh, [PREVIOUS_HOUR, ...matchers])} > ${num(threshold)}`,
      'A namespace used more energy in the previous clock hour than its threshold.',
      `Namespace ${label('namespace')} used ${value(DECIMALS.wh)} Wh in the previous clock hour, above its threshold of ${num(threshold)} Wh.`,
      timing(rules.forSeconds.hourlyEnergyHigh, KEEP_FIRING.hourly),
      namespace,
    );
  return [make(others, rules.hourlyThresholdWh), ...overrides.map(([ns, t]) => make([eq('namespace', ns)], t, ns))];
}

/** The burn rate over a window: mean power × 24 h ÷ the daily budget (1 = exactly on budget). */
function burnExpr(namespace: string, budgetWh: number, windowSeconds: number): string {
  return `${selectorOf(servicePowerRecord(windowSeconds), [eq('namespace', namespace)])} * ${HOURS_PER_DAY} / ${num(budgetWh)}`;
}

function burnAlerts(rules: RulesConfig, name: string, w: BurnRateWindow, summary: string): AlertingRule[] {
  return budgets(rules).map(([ns, budget]) =>
    alert(
      rules,
      name,
      w.severity,
      `${burnExpr(ns, budget, w.longWindowSeconds)} > ${num(w.factor)}\nand\n${burnExpr(ns, budget, w.shortWindowSeconds)} > ${num(w.factor)}`,
      summary,
      `Namespace ${label('namespace')} is using energy at ${value(DECIMALS.burn)} times the pace of its daily budget of ${num(budget)} Wh ` +
        `over the last ${dur(w.longWindowSeconds)}, and still over the last ${dur(w.shortWindowSeconds)} (alert threshold: ${num(w.factor)} times).`,
      timing(w.forSeconds, w.shortWindowSeconds),
      ns,
    ),
  );
}

/** The selector as absent() labels its output: equality matchers only, values from the alert's labels. */
function absentLabels(rules: RulesConfig): string {
  const equal = matchersOf(rules.serviceSelector).filter((m) => m.op === '=');
  return equal.length === 0 ? rules.serviceSelector : `{${equal.map((m) => `${m.name}="${label(m.name)}"`).join(', ')}}`;
}

/**
 * Failed reads of the grid carbon intensity, summed over reasons, in every window for `for`: one
 * transient failure leaves the window before `for` has elapsed (when the window is not longer than `for`).
 */
function carbonIntensityExpr(rules: RulesConfig): string {
  const errors = selectorOf(METRICS.carbonIntensityErrors.name, matchersOf(rules.serviceSelector));
  return `sum without (${LABEL_REASON}) (increase(${errors}[${dur(rules.carbonIntensityErrorWindowSeconds)}])) > 0`;
}

function carbonIntensityAlert(rules: RulesConfig): AlertingRule {
  const window = dur(rules.carbonIntensityErrorWindowSeconds);
  const forS = rules.forSeconds.carbonIntensityFailing;
  return alert(
    rules,
    ALERTS.carbonIntensityFailing,
    'warning',
    carbonIntensityExpr(rules),
    'energy-ledger cannot read the grid carbon intensity.',
    `energy-ledger ${label('instance')} failed ${value(DECIMALS.count)} reads of the grid carbon intensity in the last ${window}, and reads have kept failing for ${dur(forS)}: ` +
      `carbon series use the last hour whose intensity was read, or are left out when none is known (see ${METRICS.carbonIntensityErrors.name} by reason).`,
    timing(forS),
  );
}

/** Every alert, in a stable order. */
export function alertGroup(rules: RulesConfig): RuleGroup {
  const sel = matchersOf(rules.serviceSelector);
  const up = selectorOf('up', sel);
  const serviceUp = selectorOf(METRICS.up.name, sel);
  const watermark = selectorOf(METRICS.dataWatermark.name, sel);
  const f = rules.forSeconds;
  const instance = label('instance');
  const out: AlertingRule[] = [
    ...hourlyAlerts(rules),
    ...burnAlerts(rules, ALERTS.budgetBurnFast, rules.burnRate.fast, 'A namespace is using its daily energy budget fast.'),
    ...burnAlerts(rules, ALERTS.budgetBurnSlow, rules.burnRate.slow, 'A namespace is steadily using more than its daily energy budget.'),
    alert(
      rules,
      ALERTS.down,
      'warning',
      `${up} == 0`,
      'Prometheus cannot scrape energy-ledger.',
      `Prometheus has failed to scrape ${instance} of job ${label('job')} for ${dur(f.down)}: energy series and energy alerts are not being updated.`,
      timing(f.down),
    ),
    alert(
      rules,
      ALERTS.absent,
      'warning',
      `absent(${up})`,
      'No energy-ledger target is being scraped.',
      `Prometheus has had no scrape target matching ${absentLabels(rules)} for ${dur(f.absent)}: energy-ledger is not deployed, is scaled to zero, or is not discovered.`,
      timing(f.absent),
    ),
    alert(
      rules,
      ALERTS.pollsFailing,
      'warning',
      `${serviceUp} == 0`,
      'energy-ledger cannot poll the Prometheus API.',
      `energy-ledger ${instance} has failed every poll of the Prometheus API for ${dur(f.pollsFailing)}; its energy series are frozen at the last good poll (see ${METRICS.pollErrors.name} by reason).`,
      timing(f.pollsFailing),
    ),
    alert(
      rules,
      ALERTS.watermarkLagging,
      'warning',
      `time() - ${watermark} > ${num(rules.watermarkMaxLagSeconds)}\nand\n${watermark} > 0`,
      "energy-ledger's data watermark is lagging.",
      `The data watermark of energy-ledger ${instance} is ${value(DECIMALS.seconds)} s behind the current time (more than ${dur(rules.watermarkMaxLagSeconds)}): the newest Kepler samples it can read are old.`,
      timing(f.watermarkLagging, KEEP_FIRING.watermark),
    ),
    alert(
      rules,
      ALERTS.keplerAbsent,
      'warning',
      `${serviceUp} == 1\nunless ignoring (${LABEL_SCHEMA}, ${LABEL_VERSION})\n${selectorOf(METRICS.keplerInfo.name, sel)}`,
      'energy-ledger finds no Kepler metrics.',
      `energy-ledger ${instance} has found no Kepler metrics through the Prometheus API for ${dur(f.keplerAbsent)}: Kepler is not running, Prometheus does not scrape it, or prometheus.selector excludes it.`,
      timing(f.keplerAbsent, KEEP_FIRING.keplerAbsent),
    ),
    alert(
      rules,
      ALERTS.namespaceOverflow,
      'warning',
      `${selectorOf(METRICS.namespaceOverflowSeries.name, sel)} > 0`,
      'More namespaces than max_namespaces: some are summed into __other__.',
      `energy-ledger ${instance} sums ${value(DECIMALS.seconds)} Kepler series of namespaces beyond max_namespaces into namespace="__other__"; their energy is not attributed to them.`,
      timing(f.namespaceOverflow),
    ),
    alert(
      rules,
      ALERTS.metricsTooLarge,
      'warning',
      `${selectorOf(METRICS.metricsSeries.name, sel)} > ${num(rules.metricsMaxSeries)}`,
      'The /metrics body of energy-ledger has more series than rules.metrics_max_series.',
      `energy-ledger ${instance} exposes ${value(DECIMALS.count)} series on /metrics (more than ${num(rules.metricsMaxSeries)}; ${METRICS.metricsBytes.name} has the bytes): ` +
        'namespaces churn or are many; set namespace_relabel for patterns such as ci-* or pr-NNN, or max_namespaces as a cap.',
      timing(f.metricsTooLarge),
    ),
    carbonIntensityAlert(rules),
  ];
  return { name: GROUPS.alerts, interval: dur(rules.evaluationIntervalSeconds), rules: out };
}
