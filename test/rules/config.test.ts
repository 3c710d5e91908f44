import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, loadConfig } from '../../src/config/index.js';
import { RULE_FILES, generateRuleFiles, rulesOf } from '../../src/rules/index.js';
import { configFiles, problemsOf, rejectionOf, runCli } from '../support/config-rejection.js';

const files = configFiles('rules-cli');

describe('the rules: section of the configuration', () => {
  it('is optional: without it the generator uses the documented defaults', () => {
    expect(loadConfig({ file: { text: 'interval: 1m\n', name: 'c.yaml' } }).rules).toBeUndefined();
    expect(DEFAULT_RULES).toMatchObject({
      evaluationIntervalSeconds: 60,
      serviceSelector: '{job="energy-ledger"}',
      hourlyThresholdWh: 1000,
      namespaces: {},
      burnRate: {
        fast: { longWindowSeconds: 3600, shortWindowSeconds: 300, factor: 4, forSeconds: 120, severity: 'critical' },
        slow: { longWindowSeconds: 21_600, shortWindowSeconds: 1800, factor: 1.5, forSeconds: 900, severity: 'warning' },
      },
      forSeconds: { hourlyEnergyHigh: 0, down: 300, absent: 900, pollsFailing: 300, watermarkLagging: 300, keplerAbsent: 600, namespaceOverflow: 900, carbonIntensityFailing: 900 },
      watermarkMaxLagSeconds: 600,
      carbonIntensityErrorWindowSeconds: 600,
      keplerGroup: false,
      prometheusRule: { name: 'energy-ledger', labels: {} },
    });
  });

  it('merges a partial burn-rate window and per-namespace settings over the defaults', () => {
    const rules = loadConfig({
      file: { text: 'rules:\n  burn_rate: { fast: { factor: 6 } }\n  namespaces:\n    shop: { hourly_threshold_wh: 20 }\n', name: 'c.yaml' },
    }).rules;
    expect(rules?.burnRate.fast).toEqual({ ...DEFAULT_RULES.burnRate.fast, factor: 6 });
    expect(rules?.namespaces).toEqual({ shop: { hourlyThresholdWh: 20 } });
  });

  it('takes daily budgets from the top-level budgets: (one place), with or without a rules: section', () => {
    const text = 'budgets:\n  shop: { daily_wh: 2000, monthly_wh: 50000 }\n  batch: { monthly_wh: 9000 }\n';
    const withRules = loadConfig({ file: { text: `${text}rules:\n  namespaces:\n    shop: { hourly_threshold_wh: 20 }\n`, name: 'c.yaml' } });
    expect(rulesOf(withRules).namespaces).toEqual({ shop: { hourlyThresholdWh: 20, dailyBudgetWh: 2000 } });
    expect(rulesOf(loadConfig({ file: { text, name: 'c.yaml' } })).namespaces).toEqual({ shop: { dailyBudgetWh: 2000 } });
  });

  it.each([
    [
      'an unknown key in a namespace',
      'rules:\n  namespaces:\n    shop:\n      hourly_treshold_wh: 5\n',
      'config.yaml:4:7: rules.namespaces.shop.hourly_treshold_wh: unknown key (did you mean hourly_threshold_wh?)',
    ],
    ['a negative default threshold', 'rules:\n  hourly_threshold_wh: -5\n', 'config.yaml:2:24: rules.hourly_threshold_wh: must be greater than 0, got the number -5'],
    [
      'a negative namespace threshold',
      'rules:\n  namespaces:\n    shop: { hourly_threshold_wh: -1 }\n',
      'config.yaml:3:34: rules.namespaces.shop.hourly_threshold_wh: must be greater than 0, got the number -1',
    ],
    ['a zero budget', 'budgets:\n  shop: { daily_wh: 0 }\n', 'config.yaml:2:21: budgets.shop.daily_wh: must be greater than 0, got the number 0'],
    [
      'a budget in its old place',
      'rules:\n  namespaces:\n    shop: { daily_budget_wh: 10 }\n',
      'config.yaml:3:30: rules.namespaces.shop.daily_budget_wh: moved: set budgets.<namespace>.daily_wh (one place for budgets, read by /metrics and the rules)',
    ],
    ['a budget without an amount', 'budgets:\n  shop: {}\n', 'config.yaml:2:9: budgets.shop: needs daily_wh or monthly_wh'],
    [
      'a bad duration',
      'rules:\n  burn_rate:\n    fast:\n      long_window: 1hh\n',
      'config.yaml:4:20: rules.burn_rate.fast.long_window: "1hh" is not a duration: unknown unit "hh" (use y, w, d, h, m, s or ms)',
    ],
    ['a bad pending duration', 'rules:\n  for: { down: 5 }\n', 'config.yaml:2:16: rules.for.down: expected a duration such as 30s, 5m or 1h30m, got the number 5'],
    ['an unknown alert in for', 'rules:\n  for: { downn: 1m }\n', 'config.yaml:2:10: rules.for.downn: unknown key (did you mean down?)'],
    [
      'an invalid namespace name',
      'rules:\n  namespaces:\n    Shop_1: {}\n',
      'config.yaml:3:13: rules.namespaces.Shop_1: "Shop_1" is not a valid namespace name (lowercase letters, digits and -, at most 63)',
    ],
    ['a short window longer than the long one', 'rules:\n  burn_rate:\n    slow: { short_window: 7h }\n', 'config.yaml:3:27: rules.burn_rate.slow.short_window: must be shorter than long_window'],
    ['a window shorter than 5m', 'rules:\n  burn_rate:\n    fast: { short_window: 1m }\n', 'config.yaml:3:27: rules.burn_rate.fast.short_window: "1m" is too short: it must be at least 5m'],
    ['an evaluation interval that does not divide 1h', 'rules:\n  evaluation_interval: 7m\n', 'config.yaml:2:24: rules.evaluation_interval: must divide 1h (the hourly recordings average over it), got 7m'],
    [
      'a carbon intensity error window that is not a multiple of the evaluation interval',
      'rules:\n  evaluation_interval: 5m\n  carbon_intensity_error_window: 12m\n',
      'config.yaml:3:34: rules.carbon_intensity_error_window: must be a multiple of evaluation_interval (5m), got 12m',
    ],
    ['a carbon intensity error window shorter than 5m', 'rules:\n  carbon_intensity_error_window: 2m\n', 'config.yaml:2:34: rules.carbon_intensity_error_window: "2m" is too short: it must be at least 5m'],
    ['an unknown severity', 'rules:\n  burn_rate: { fast: { severity: page } }\n', 'config.yaml:2:34: rules.burn_rate.fast.severity: must be one of critical, warning, info; got "page"'],
    ['a bad service selector', 'rules:\n  service_selector: job=x\n', `config.yaml:2:21: rules.service_selector: invalid selector 'job=x': expected '{' at position 0`],
    ['a runbook URL with a fragment', 'rules:\n  runbook_url: https://x/README.md#ops\n', 'config.yaml:2:16: rules.runbook_url: "https://x/README.md#ops" must not have a query or fragment'],
  ])('refuses %s with the key path', (_, text, message) => {
    expect(problemsOf(text)).toEqual([message]);
  });

  it('reports every rules problem at once', () => {
    expect(problemsOf('rules:\n  hourly_threshold_wh: -5\n  namespaces:\n    shop: { budget: 1 }\n')).toHaveLength(2);
  });
});

describe('energy-ledger rules', () => {
  it('writes the rule file, its tests and the PrometheusRule generated from the config into --out', async () => {
    const text = 'rules:\n  hourly_threshold_wh: 42\n  prometheus_rule: { labels: { release: kube-prometheus-stack } }\n';
    const configFile = files.write('config.yaml', text);
    const out = files.path(path.join('generated', 'nested'));
    const run = await runCli(['rules', '--config', configFile, '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const expected = generateRuleFiles(loadConfig({ file: { text, name: configFile } }));
    for (const key of ['rules', 'tests', 'prometheusRule'] as const) {
      expect(await readFile(path.join(out, RULE_FILES[key]), 'utf8')).toBe(expected[key]);
    }
    expect(expected.rules).toContain('> 42\n');
  });

  it('exits 2 naming the key when the rules section is invalid, and writes nothing', async () => {
    const configFile = files.write('bad.yaml', 'rules:\n  namespaces:\n    shop: { hourly_threshold_wh: -3 }\n');
    const out = files.path('refused');
    const stderr = await rejectionOf(['rules', '--config', configFile, '--out', out]);
    expect(stderr).toContain(`${configFile}:3:34: rules.namespaces.shop.hourly_threshold_wh: must be greater than 0, got the number -3`);
    await expect(readFile(path.join(out, RULE_FILES.rules), 'utf8')).rejects.toThrow('ENOENT');
  });
});
