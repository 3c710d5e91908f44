/**
 * promtool test of the month start: the service's counters continue across it (base + month to date, see
 * src/core/ledger/counter-base.ts), so the input counter has no reset there while `month_to_date` falls to 0.
 * The 5m power, the hourly and daily energy recordings stay exact across it, and no burn alert fires.
 */
import type { Config, RulesConfig } from '../config/index.js';
import { METRICS } from '../exposition/names.js';
import { budgets } from './alerts.js';
import type { AlertTest, InputSeries, TestGroup } from './model.js';
import { ALERTS, SERVICE_RECORDS as R } from './names.js';
import { dur, num, seriesText, type Labels } from './promql.js';
import { DAY, HOUR } from './service-group.js';
import { exprTest, planOf } from './test-restarts.js';
import { serviceLabels } from './test-inputs.js';

/** The counter's value when the test starts: the months before, published by earlier processes. */
const BASE_JOULES = 2 ** 30;

/**
 * The month starts a day and 10 minutes in (the day before it is fully recorded, 5m rates included), half
 * an interval after a scrape: a counter that fell to 0 there would lose that half interval to rate().
 */
export function monthStartTest(config: Config, rules: RulesConfig): TestGroup {
  const { I, namespace, watts } = planOf(rules);
  const lastScrape = Math.ceil((DAY + 600) / I) * I;
  const monthStart = lastScrape + I / 2;
  const end = lastScrape + HOUR;
  const steps = end / I;
  const { kept, replicas } = serviceLabels(config, rules);
  const [a] = replicas;
  const ns: Labels = { ...kept, namespace };
  const before = lastScrape / I;
  const wh = (joules: number): string => num(joules / HOUR);
  const inputs: InputSeries[] = [
    { series: seriesText(METRICS.namespaceJoules.name, { ...a, namespace }), values: `${num(BASE_JOULES)}+${num(watts * I)}x${steps}` },
    {
      // The month to date, Wh: the old month's up to its start, then the new month's from 0.
      series: seriesText(METRICS.namespacePeriod.name, { ...a, namespace, period: 'month_to_date' }),
      values: `${wh(watts * DAY)}+${wh(watts * I)}x${before} ${wh((watts * I) / 2)}+${wh(watts * I)}x${steps - before - 1}`,
    },
  ];
  const at = monthStart + HOUR / 2;
  const quiet = (alertname: string, forSeconds: number): AlertTest[] =>
    [monthStart + forSeconds, end].map((t) => ({ eval_time: dur(Math.ceil(t / I) * I), alertname, exp_alerts: [] }));
  const alerts =
    budgets(rules).length === 0 ? [] : [...quiet(ALERTS.budgetBurnFast, rules.burnRate.fast.forSeconds), ...quiet(ALERTS.budgetBurnSlow, rules.burnRate.slow.forSeconds)];
  return {
    name: 'the month start: the counter continues (no reset), so 5m power, hourly and daily energy stay exact across it',
    interval: dur(I),
    input_series: inputs,
    promql_expr_test: [
      exprTest(`resets(${METRICS.namespaceJoules.name}[${dur(HOUR)}])`, at, [{ labels: { ...a, namespace }, value: 0 }], ''),
      ...[lastScrape + I, lastScrape + 2 * I, lastScrape + 5 * 60].map((t) => exprTest(R.namespacePower, t, [{ labels: ns, value: watts }])),
      exprTest(R.namespaceHourWh, at, [{ labels: ns, value: watts }]),
      exprTest(R.namespaceDayWh, at, [{ labels: ns, value: 24 * watts }]),
    ],
    ...(alerts.length === 0 ? {} : { alert_rule_test: alerts }),
  };
}
