import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { classifyOptions } from '../../src/service/config-mapping.js';
import { configFiles, problemsOf, rejectionOf, runCli } from '../support/config-rejection.js';

const load = (text: string) => loadConfig({ file: { text, name: 'test.yaml' } });
const files = configFiles('relabel');

describe('namespace_relabel config key', () => {
  it('is absent by default and reads an ordered list, replacement defaulting to $1 as in Prometheus', () => {
    expect(load('').namespaceRelabel).toBeUndefined();
    const config = load('namespace_relabel:\n  - {regex: "ci-.*", replacement: ci}\n  - {regex: "team-(.*)"}\n');
    expect(config.namespaceRelabel).toEqual([
      { regex: 'ci-.*', replacement: 'ci' },
      { regex: 'team-(.*)', replacement: '$1' },
    ]);
    expect(classifyOptions(config).namespaceRelabel).toEqual(config.namespaceRelabel);
  });

  it('the example config carries the two documented rules', () => {
    const config = load(readFileSync('examples/config.example.yaml', 'utf8'));
    expect(config.namespaceRelabel).toEqual([
      { regex: 'ci-.*', replacement: 'ci' },
      { regex: 'pr-[0-9]+', replacement: 'previews' },
    ]);
  });

  it('names the entry of an invalid regex', () => {
    const problems = problemsOf('namespace_relabel:\n  - {regex: "ci-.*", replacement: ci}\n  - {regex: "pr-(", replacement: previews}\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^config\.yaml:3:\d+: namespace_relabel\[1\]\.regex: invalid regular expression "pr-\(":/);
  });

  it.each([
    ['namespace_relabel: ci\n', /namespace_relabel: expected a list of \{regex, replacement\} rules/],
    ['namespace_relabel: [{replacement: ci}]\n', /namespace_relabel\[0\]\.regex: is required/],
    ['namespace_relabel: [{regex: "", replacement: ci}]\n', /namespace_relabel\[0\]\.regex: must not be empty/],
    ['namespace_relabel: [{regex: "a", replacement: ""}]\n', /namespace_relabel\[0\]\.replacement: must not be empty/],
    ['namespace_relabel: [{regex: "a", replacement: __other__}]\n', /namespace_relabel\[0\]\.replacement: "__other__" is reserved/],
    ['namespace_relabel: [{regex: "a", replacement: b, action: drop}]\n', /namespace_relabel\[0\]\.action: unknown key/],
  ])('rejects %j', (text, message) => {
    expect(problemsOf(text).join('\n')).toMatch(message);
  });

  it('rejects budgets and alert thresholds keyed by a name that relabeling rewrites (they name published namespaces)', () => {
    const problems = problemsOf(
      'namespace_relabel: [{regex: "ci-.*", replacement: ci}]\nbudgets:\n  ci-main: {daily_wh: 10}\n  ci: {daily_wh: 100}\nrules:\n  namespaces:\n    ci-x: {hourly_threshold_wh: 5}\n',
    );
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/budgets\.ci-main: namespace_relabel rewrites "ci-main" to "ci"/);
    expect(problems.join('\n')).toMatch(/rules\.namespaces\.ci-x: namespace_relabel rewrites "ci-x" to "ci"/);
  });

  it('check-config exits 2 naming the entry, and 0 on the example', async () => {
    const bad = files.write('bad.yaml', 'namespace_relabel:\n  - {regex: "ok"}\n  - {regex: "(?i)ci-.*", replacement: ci}\n');
    expect(await rejectionOf(['check-config', bad])).toMatch(/namespace_relabel\[1\]\.regex: invalid regular expression/);
    const ok = await runCli(['check-config', 'examples/config.example.yaml']);
    expect(ok.code).toBe(0);
  });
});
