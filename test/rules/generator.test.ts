import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_RULES, loadConfig, type Config } from '../../src/config/index.js';
import { parseSelector } from '../../src/core/schema/index.js';
import { isAlert, type AlertingRule, type RecordingRule } from '../../src/rules/model.js';
import { ALERTS, GROUPS, buildRuleSet, generateRuleFiles } from '../../src/rules/index.js';
import { labelsMatching } from '../../src/rules/promql.js';
import { printfFixed, renderTemplate } from '../../src/rules/template.js';

const configOf = (text: string): Config => loadConfig({ file: { text, name: 'config.yaml' } });

const RICH = configOf(
  [
    'group_by: [cluster, namespace]',
    'kepler: { schema: auto }',
    'budgets:',
    '  shop: { daily_wh: 100 }',
    '  batch: { monthly_wh: 5000 }',
    'rules:',
    '  hourly_threshold_wh: 800',
    '  namespaces:',
    '    batch: { hourly_threshold_wh: 20 }',
    '  kepler_group: true',
    '',
  ].join('\n'),
);

function rulesOf(config: Config) {
  const { groups, tests } = buildRuleSet(config);
  const all = groups.flatMap((g) => g.rules);
  return {
    groups,
    tests,
    alerts: all.filter(isAlert),
    records: all.filter((r): r is RecordingRule => !isAlert(r)),
  };
}

describe('generated rules', () => {
  it.each([
    ['the defaults', configOf('')],
    ['a config with overrides, budgets, extra grouping labels and the Kepler group', RICH],
  ])('name every recording level:metric:operations and never use a subquery (%s)', (_, config) => {
    const { records, alerts } = rulesOf(config);
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) expect(r.record).toMatch(/^[a-z_]+:[a-z_]+:[a-z0-9_]+$/);
    for (const r of [...records, ...alerts]) expect(r.expr).not.toMatch(/\[[^\]]*:[^\]]*\]/);
  });

  it('give every alert a prefixed CamelCase name, a severity, a summary, a templated description and a runbook anchor', () => {
    const { alerts } = rulesOf(RICH);
    expect(new Set(alerts.map((a) => a.alert))).toEqual(new Set(Object.values(ALERTS)));
    for (const a of alerts) {
      expect(a.alert).toMatch(/^EnergyLedger([A-Z][a-z]+)+$/);
      expect(['critical', 'warning', 'info']).toContain(a.labels.severity);
      expect(a.annotations.summary).not.toContain('{{');
      expect(a.annotations.description).toMatch(/\{\{ \$labels\.[a-z]+ \}\}|\{\{ printf/);
      expect(a.annotations.runbook_url).toBe(`${DEFAULT_RULES.runbookUrl}#${a.alert.toLowerCase()}`);
    }
  });

  it('keep a namespace with its own threshold out of the default rule and give it its own', () => {
    const hourly = rulesOf(RICH).alerts.filter((a) => a.alert === ALERTS.hourlyEnergyHigh);
    expect(hourly.map((a) => a.expr)).toEqual([
      'namespace:energy_ledger_namespace_period_energy_watt_hours:max{period="previous_hour", namespace!~"batch"} > 800',
      'namespace:energy_ledger_namespace_period_energy_watt_hours:max{period="previous_hour", namespace="batch"} > 20',
    ]);
  });

  it('burn-rate alerts exist only for namespaces with a budget, one fast and one slow, on both windows', () => {
    const burn = rulesOf(RICH).alerts.filter((a) => a.alert.includes('BudgetBurn'));
    expect(burn.map((a) => [a.alert, a.labels.namespace, a.labels.severity])).toEqual([
      [ALERTS.budgetBurnFast, 'shop', 'critical'],
      [ALERTS.budgetBurnSlow, 'shop', 'warning'],
    ]);
    expect(burn[0]?.expr).toBe(
      'namespace:energy_ledger_namespace_energy_joules:rate1h{namespace="shop"} * 24 / 100 > 4\nand\n' +
        'namespace:energy_ledger_namespace_energy_joules:rate5m{namespace="shop"} * 24 / 100 > 4',
    );
  });

  it('come with a promtool test of every recording and a firing and a quiet case for every alert', () => {
    const { records, alerts, tests } = rulesOf(RICH);
    const exprs = new Set(tests.flatMap((t) => t.promql_expr_test ?? []).map((t) => t.expr));
    for (const r of records) expect(exprs, r.record).toContain(r.record);
    const checks = tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const name of new Set(alerts.map((a: AlertingRule) => a.alert))) {
      const mine = checks.filter((c) => c.alertname === name);
      expect(mine.some((c) => c.exp_alerts.length > 0), `${name} firing`).toBe(true);
      expect(mine.some((c) => c.exp_alerts.length === 0), `${name} quiet`).toBe(true);
    }
  });

  it('alert when reads of the grid carbon intensity keep failing, with the configured window and pending duration', () => {
    const config = configOf('rules:\n  service_selector: \'{job="el"}\'\n  carbon_intensity_error_window: 20m\n  for: { carbon_intensity_failing: 30m }\n');
    const [carbon, ...others] = rulesOf(config).alerts.filter((a) => a.alert === ALERTS.carbonIntensityFailing);
    expect(others).toEqual([]);
    expect(carbon?.expr).toBe('sum without (reason) (increase(energy_ledger_carbon_intensity_errors_total{job="el"}[20m])) > 0');
    expect(carbon?.for).toBe('30m');
    expect(carbon?.labels).toEqual({ severity: 'warning' });
    expect(carbon?.annotations.description).toContain('in the last 20m, and reads have kept failing for 30m');
  });

  it('test that a single failed carbon intensity read stays quiet only where the window is shorter than for', () => {
    const quietNames = (text: string) =>
      rulesOf(configOf(text))
        .tests.filter((t) => t.alert_rule_test?.every((c) => c.alertname === ALERTS.carbonIntensityFailing && c.exp_alerts.length === 0))
        .map((t) => t.name);
    const single = `${ALERTS.carbonIntensityFailing} stays quiet after a single failed read`;
    expect(quietNames('rules:\n  carbon_intensity_error_window: 10m\n  for: { carbon_intensity_failing: 15m }\n').filter((n) => n.startsWith(single))).toHaveLength(1);
    // A window longer than `for` would fire on one failure: only the quiet case of standing counters remains.
    const long = quietNames('rules:\n  carbon_intensity_error_window: 30m\n  for: { carbon_intensity_failing: 5m }\n');
    expect(long.filter((n) => n.startsWith(single))).toEqual([]);
    expect(long).toHaveLength(1);
  });

  it('rate both 5m power recordings over the service selector without a restart guard (the counters continue across restarts)', () => {
    const custom = configOf('rules: { service_selector: \'{job="el", env!="dev"}\', kepler_group: true }\n');
    const { records } = rulesOf(custom);
    expect(records.find((r) => r.record === 'namespace:energy_ledger_namespace_energy_joules:rate5m')?.expr).toBe(
      'sum without (shard) (max without (instance, pod) (rate(energy_ledger_namespace_energy_joules_total{job="el", env!="dev"}[5m])))',
    );
    expect(records.find((r) => r.record === 'node:energy_ledger_node_energy_joules:rate5m')?.expr).toBe(
      'sum without (shard) (max without (instance, pod) (rate(energy_ledger_node_energy_joules_total{job="el", env!="dev"}[5m])))',
    );
    expect(records.filter((r) => r.expr.includes('process_start_time_seconds'))).toHaveLength(0);
  });

  it('test a restart of the only replica and of one of two replicas, the first also against both burn-rate alerts', () => {
    const { tests } = rulesOf(RICH);
    const restarts = tests.filter((t) => t.name.includes('restart'));
    expect(restarts).toHaveLength(2);
    // The restarted replica's counter is absent for a few scrapes (`_` in promtool's notation), then continues.
    expect(restarts[0]?.input_series.every((s) => s.values.includes(' _x'))).toBe(true);
    expect(restarts[0]?.alert_rule_test?.map((a) => a.alertname)).toEqual(
      expect.arrayContaining([ALERTS.budgetBurnFast, ALERTS.budgetBurnSlow]),
    );
    expect(restarts[0]?.alert_rule_test?.every((a) => a.exp_alerts.length === 0)).toBe(true);
  });

  it('leave the Kepler group out unless asked for', () => {
    expect(rulesOf(configOf('')).groups.map((g) => g.name)).toEqual([GROUPS.recordings, GROUPS.alerts]);
    expect(rulesOf(RICH).groups.map((g) => g.name)).toEqual([GROUPS.recordings, GROUPS.kepler, GROUPS.alerts]);
  });

  it('read each schema of the Kepler group by its own namespace label, keeping the extra grouping labels', () => {
    const v4 = configOf('group_by: [cluster, namespace]\nkepler: { schema: v0.4-v0.9, components: [package] }\nrules: { kepler_group: true }\n');
    const kepler = rulesOf(v4).groups.find((g) => g.name === GROUPS.kepler);
    expect(kepler?.rules[0]).toEqual({
      record: 'namespace_component:kepler_energy_joules:rate5m',
      expr: 'sum by (cluster, namespace) (label_replace(rate(kepler_container_package_joules_total{mode=~"dynamic|idle|"}[5m]), "namespace", "$1", "container_namespace", "(.*)"))',
      labels: { component: 'package', kepler_schema: 'v0.4-v0.9' },
    });
    expect(kepler?.rules.filter((r) => !isAlert(r) && r.record.startsWith('namespace_component:'))).toHaveLength(1);
  });

  it('put the configured metadata on the PrometheusRule', () => {
    const config = configOf('rules:\n  prometheus_rule: { name: energy, namespace: monitoring, labels: { release: kps, role: alert-rules } }\n');
    const resource = parse(generateRuleFiles(config).prometheusRule) as { metadata: unknown };
    expect(resource.metadata).toEqual({
      name: 'energy',
      namespace: 'monitoring',
      labels: { 'app.kubernetes.io/name': 'energy-ledger', 'app.kubernetes.io/managed-by': 'energy-ledger', release: 'kps', role: 'alert-rules' },
    });
  });
});

describe('annotation templates', () => {
  it('render labels and printf of the value as Prometheus does', () => {
    const text = renderTemplate('ns {{ $labels.namespace }} used {{ printf "%.1f" $value }} Wh ({{ $labels.missing }})', { namespace: 'shop' }, 1010.04);
    expect(text).toBe('ns shop used 1010.0 Wh ()');
  });

  it('refuse template actions outside the supported subset', () => {
    expect(() => renderTemplate('{{ $value | humanize }}', {}, 1)).toThrow('not in the supported subset');
  });

  it('refuse to format a value at a rounding tie, where Go and JavaScript disagree', () => {
    expect(() => printfFixed(0.125, 2)).toThrow('rounding tie');
    expect(printfFixed(0.1251, 2)).toBe('0.13');
  });
});

describe('labels of test series that match a selector', () => {
  it.each([
    ['{job="energy-ledger"}', { job: 'energy-ledger' }],
    ['{job=~"energy-ledger|el", env!="dev"}', { job: 'energy-ledger' }],
    ['{cluster!=""}', { cluster: 'x' }],
    ['', {}],
  ])('satisfy %s', (selector, labels) => {
    expect(labelsMatching(parseSelector(selector))).toEqual(labels);
  });

  it('refuse a regex whose first alternative is not a plain value', () => {
    expect(() => labelsMatching(parseSelector('{job=~"energy.*"}'))).toThrow('failed to build test series');
  });
});
