import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/index.js';
import { GENERATED_HEADER, RULE_FILES, buildRuleSet, generateRuleFiles } from '../../src/rules/index.js';
import { GO_PROGRAM_ENV, requireBinary } from '../support/binary.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RULES_DIR = path.join(ROOT, 'rules');
const COMMITTED = {
  rules: path.join(RULES_DIR, RULE_FILES.rules),
  tests: path.join(RULES_DIR, RULE_FILES.tests),
  prometheusRule: path.join(ROOT, 'deploy/apps/energy-ledger/prometheusrule.yaml'),
} as const;

interface Run {
  readonly code: number;
  readonly output: string;
}

function promtool(args: readonly string[], cwd: string): Promise<Run> {
  const binary = requireBinary('promtool', 'prometheus');
  return new Promise((resolve) => {
    execFile(binary, args, { cwd, env: GO_PROGRAM_ENV, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

async function committedConfig() {
  return loadConfig({ file: { text: await readFile(path.join(RULES_DIR, 'config.yaml'), 'utf8'), name: 'rules/config.yaml' } });
}

const temps: string[] = [];
async function tempCopyOfRules(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-rules-'));
  temps.push(dir);
  await cp(COMMITTED.rules, path.join(dir, RULE_FILES.rules));
  await cp(COMMITTED.tests, path.join(dir, RULE_FILES.tests));
  return dir;
}

/** Replaces exactly one occurrence of `from` in the file. */
async function editOnce(file: string, from: string, to: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  expect(text.split(from)).toHaveLength(2);
  await writeFile(file, text.replace(from, to));
}

afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the committed rule files', () => {
  it('are exactly what the generator makes from rules/config.yaml, each with the DO-NOT-EDIT header', async () => {
    const generated = generateRuleFiles(await committedConfig());
    for (const key of ['rules', 'tests', 'prometheusRule'] as const) {
      const text = await readFile(COMMITTED[key], 'utf8');
      expect(text.split('\n')[0]).toBe(GENERATED_HEADER);
      expect(text, `${COMMITTED[key]} is stale: run npm run generate`).toBe(generated[key]);
    }
  });

  it('pass promtool check rules without lint findings, with every generated rule counted', async () => {
    const { groups } = buildRuleSet(await committedConfig());
    const count = groups.reduce((n, g) => n + g.rules.length, 0);
    const run = await promtool(['check', 'rules', '--lint=all', '--lint-fatal', RULE_FILES.rules], RULES_DIR);
    expect(run.output).toContain(`SUCCESS: ${count} rules found`);
    expect(run.code).toBe(0);
  });

  it('pass their generated promtool unit tests', async () => {
    const run = await promtool(['test', 'rules', RULE_FILES.tests], RULES_DIR);
    expect(run.output).toContain('SUCCESS');
    expect(run.code).toBe(0);
  });

  it('fail their generated tests when thresholds are changed by hand in a copy of the rule file', async () => {
    const dir = await tempCopyOfRules();
    const file = path.join(dir, RULE_FILES.rules);
    // The default hourly threshold raised by 2 %: the firing case (1 % above) no longer fires.
    await editOnce(file, ', namespace!~"kube-system|ml-training"} > 1000\n', ', namespace!~"kube-system|ml-training"} > 1020\n');
    // A budget lowered by 2 %: the quiet case (1 % under the factor) now burns above it.
    await editOnce(file, 'rate6h{namespace="shop"} * 24 / 2000 > 1.5', 'rate6h{namespace="shop"} * 24 / 1960 > 1.5');
    await editOnce(file, 'rate30m{namespace="shop"} * 24 / 2000 > 1.5', 'rate30m{namespace="shop"} * 24 / 1960 > 1.5');
    const check = await promtool(['check', 'rules', RULE_FILES.rules], dir);
    expect(check.code).toBe(0);
    const run = await promtool(['test', 'rules', RULE_FILES.tests], dir);
    expect(run.code).toBe(1);
    const failed = [...run.output.matchAll(/^\s+name: (.*),$/gm)].map((m) => m[1]);
    // Exactly the cases around the edited numbers fail (the slow burn's firing case too: its $value in the
    // description moves with the budget); every other test group still passes.
    expect(failed).toEqual([
      'EnergyLedgerNamespaceHourlyEnergyHigh fires for a namespace whose previous hour is just above its threshold (default and overrides)',
      'EnergyLedgerNamespaceBudgetBurnSlow fires when both windows burn just above 1.5 times the daily budget',
      'EnergyLedgerNamespaceBudgetBurnSlow stays quiet when the slow windows burn just under 1.5 times the daily budget',
    ]);
  });

  it('hold the same groups in the PrometheusRule, with its selector labels, which promtool accepts as a rule file', async () => {
    const plain = parse(await readFile(COMMITTED.rules, 'utf8')) as { groups: unknown[] };
    const resource = parse(await readFile(COMMITTED.prometheusRule, 'utf8')) as {
      apiVersion: string;
      kind: string;
      metadata: { name: string; labels: Record<string, string> };
      spec: { groups: unknown[] };
    };
    expect(resource).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'energy-ledger' } });
    expect(resource.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack', 'app.kubernetes.io/name': 'energy-ledger' });
    expect(resource.spec.groups).toEqual(plain.groups);
    const dir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-prometheusrule-'));
    temps.push(dir);
    await writeFile(path.join(dir, 'spec.yaml'), JSON.stringify({ groups: resource.spec.groups }));
    const run = await promtool(['check', 'rules', 'spec.yaml'], dir);
    expect(run.code).toBe(0);
  });
});

describe('rules generated from other configurations', () => {
  it('pass promtool check and their own promtool tests (extra grouping label, selectors, 30s interval, v0.3, other thresholds, a carbon window longer than its for)', async () => {
    const config = loadConfig({
      file: {
        name: 'other.yaml',
        text: [
          'group_by: [cluster, namespace]',
          'prometheus: { selector: \'{cluster="eu-1", env!="dev"}\' }',
          'kepler: { schema: v0.3, components: [package, dram], sample_period: 5s }',
          'budgets: { a: { daily_wh: 12.5 }, b: { daily_wh: 90000 } }',
          'rules:',
          '  evaluation_interval: 30s',
          '  service_selector: \'{job=~"energy-ledger|ledger", cluster="eu-1"}\'',
          '  hourly_threshold_wh: 333.3',
          '  namespaces:',
          '    a: { hourly_threshold_wh: 0.7 }',
          '  burn_rate:',
          '    fast: { long_window: 30m, short_window: 5m, factor: 7, for: 1m30s }',
          '    slow: { long_window: 2h, factor: 1.1, for: 0s }',
          '  for: { hourly_energy_high: 90s, down: 1m, absent: 0s, polls_failing: 2m30s, watermark_lagging: 30s, kepler_absent: 3m, carbon_intensity_failing: 2m }',
          '  watermark_max_lag: 7m',
          '  carbon_intensity_error_window: 5m30s',
          '  kepler_group: true',
          '',
        ].join('\n'),
      },
    });
    await expectPromtoolPasses(generateRuleFiles(config));
  });

  it('read the zones configured in kepler.zones, not the defaults, in the Kepler recordings (promtool check and tests)', async () => {
    const files = generateRuleFiles(
      loadConfig({
        file: {
          name: 'zones.yaml',
          text: 'kepler: { schema: v0.10+, components: [package, dram], zones: { cpu_power: package, package-0: package, package: ignore, psys: dram, core: package } }\nrules: { kepler_group: true }\n',
        },
      }),
    );
    const cpuSelectors = [...files.rules.matchAll(/kepler_pod_cpu_joules_total\{([^}]*)\}/g)].map((m) => m[1]);
    expect(cpuSelectors).toEqual(['zone=~"dram|psys"', 'zone=~"core|cpu_power|package-0"']);
    expect(files.rules).not.toContain('zone="package"');
    // The generated tests put a component's two pods in its first and last zone, and a series in an ignored zone.
    expect(files.tests).toContain('zone="package-0"');
    expect(files.tests).toContain('zone="package"');
    await expectPromtoolPasses(files);
  });

  it('add a CPU zone mapped to gpu to the GPU metric in one recording (promtool check and tests)', async () => {
    const files = generateRuleFiles(
      loadConfig({ file: { name: 'gpu-zone.yaml', text: 'kepler: { schema: v0.10+, zones: { uncore: gpu } }\nrules: { kepler_group: true }\n' } }),
    );
    const { groups } = parse(files.rules) as { groups: { rules: { expr: string; labels?: Record<string, string> }[] }[] };
    const gpu = groups.flatMap((g) => g.rules).filter((r) => r.labels?.['component'] === 'gpu');
    expect(gpu).toHaveLength(1);
    expect(gpu[0]!.expr).toMatch(/kepler_pod_cpu_joules_total\{zone="uncore"\}.* or .*kepler_pod_gpu_joules_total/);
    await expectPromtoolPasses(files);
  });
});

/** Writes generated rule and test files to a temporary directory and runs promtool's lint and tests on them. */
async function expectPromtoolPasses(files: { readonly rules: string; readonly tests: string }): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-rules-other-'));
  temps.push(dir);
  await writeFile(path.join(dir, RULE_FILES.rules), files.rules);
  await writeFile(path.join(dir, RULE_FILES.tests), files.tests);
  const check = await promtool(['check', 'rules', '--lint=all', '--lint-fatal', RULE_FILES.rules], dir);
  expect(check.code, check.output).toBe(0);
  const run = await promtool(['test', 'rules', RULE_FILES.tests], dir);
  expect(run.output).toContain('SUCCESS');
  expect(run.code).toBe(0);
}
