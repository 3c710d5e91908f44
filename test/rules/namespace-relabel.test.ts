import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/index.js';
import { RULE_FILES, generateRuleFiles } from '../../src/rules/index.js';
import { KEPLER_RECORDS as K } from '../../src/rules/names.js';
import { GO_PROGRAM_ENV, requireBinary } from '../support/binary.js';

const CONFIG = [
  'kepler: { schema: v0.10+ }',
  'namespace_relabel:',
  '  - { regex: "ci-release-.*", replacement: release }',
  '  - { regex: "ci-.*", replacement: ci }',
  '  - { regex: "pr-([0-9]+)", replacement: "previews" }',
  '  - { regex: "team-(?P<team>[a-z]+)-.*", replacement: "${team}" }',
  'rules: { kepler_group: true }',
  '',
].join('\n');

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

function promtool(args: readonly string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(requireBinary('promtool', 'prometheus'), args, { cwd, env: GO_PROGRAM_ENV }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, output: `${stdout}${stderr}` });
    });
  });
}

describe('generated Kepler recordings with namespace_relabel', () => {
  const config = loadConfig({ file: { text: CONFIG, name: 'relabel.yaml' } });
  const files = generateRuleFiles(config);

  it('rewrite namespaces in PromQL with the first matching rule, summing the energy into the new name (promtool)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-relabel-rules-'));
    dirs.push(dir);
    await writeFile(path.join(dir, RULE_FILES.rules), files.rules);
    await writeFile(path.join(dir, RULE_FILES.tests), files.tests);
    // A counter growing by w joules per second, one sample a minute for 20 minutes.
    const watts = (w: number): string => `0+${w * 60}x20`;
    const pods: [string, number][] = [['ci-a', 1], ['ci-b', 2], ['ci-release-7', 5], ['pr-12', 3], ['pr-x', 0.5], ['team-data-9', 8], ['shop', 4]];
    const input_series = pods.map(([ns, w], i) => ({
      series: `kepler_pod_cpu_joules_total{job="kepler", node_name="n1", pod_id="p${i}", pod_namespace="${ns}", zone="package"}`,
      values: watts(w),
    }));
    const expected: [string, number][] = [['ci', 3], ['data', 8], ['pr-x', 0.5], ['previews', 3], ['release', 5], ['shop', 4]];
    const test = {
      rule_files: [RULE_FILES.rules],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series,
          promql_expr_test: [
            { expr: `sort(${K.namespacePower})`, eval_time: '10m', exp_samples: expected.map(([namespace, value]) => ({ labels: `${K.namespacePower}{namespace="${namespace}"}`, value })) },
            { expr: K.clusterPower, eval_time: '10m', exp_samples: [{ labels: K.clusterPower, value: 23.5 }] },
          ],
        },
      ],
    };
    await writeFile(path.join(dir, 'relabel.test.yaml'), stringify(test));
    const run = await promtool(['test', 'rules', 'relabel.test.yaml'], dir);
    expect(run.output).toContain('SUCCESS');
    expect(run.code).toBe(0);
    // The generated tests of this configuration pass too, and the rule file lints clean.
    const own = await promtool(['test', 'rules', RULE_FILES.tests], dir);
    expect(own.code, own.output).toBe(0);
    const check = await promtool(['check', 'rules', '--lint=all', '--lint-fatal', RULE_FILES.rules], dir);
    expect(check.code, check.output).toBe(0);
  });

  it('leave rules without relabeling unchanged', () => {
    const plain = generateRuleFiles(loadConfig({ file: { text: 'kepler: { schema: v0.10+ }\nrules: { kepler_group: true }\n', name: 'plain.yaml' } }));
    expect(plain.rules).not.toContain('ci-release');
    expect(files.rules).toContain('"ci-release-.*"');
    expect(files.rules.match(/label_replace\(/g)!.length - plain.rules.match(/label_replace\(/g)!.length).toBe(4 * 3); // four rules on each of the package, dram and gpu recordings
  });
});
