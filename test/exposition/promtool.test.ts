import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../../src/exposition/registry.js';
import { ns, snapshotOf } from './snapshots.js';

/** Runs `promtool check metrics` (the Prometheus text parser plus promlint) on `text`. */
function checkMetrics(text: string): { status: number | null; findings: string[] } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 20_000 });
  if (run.error) throw run.error;
  const findings = `${run.stdout}${run.stderr}`.split('\n').filter((l) => l.trim() !== '');
  return { status: run.status, findings };
}

/** Lint findings we accept on purpose: the contract's Wh gauges, and promlint's guess about `counter_resets`. */
const DELIBERATE = [
  /^energy_ledger_(namespace|node)(_period)?_energy_watt_hours use base unit "seconds" instead of "hours"$/,
  /^energy_ledger_counter_resets_total metric name should not include type 'counter'$/,
];

describe('promtool check metrics', () => {
  it('accepts the whole exposition apart from the deliberate watt-hour unit lint', async () => {
    const snapshot = snapshotOf([], {
      namespaceLabels: ['cluster', 'namespace'],
      namespaces: [
        { ...ns('shop', 7200), labels: ['prod-eu', 'shop'] },
        { ...ns('a"b\\c\nd', 3), labels: ['prod-eu', 'a"b\\c\nd'] },
        { ...ns('ünïcødé-名前', 5), labels: ['prod-us', 'ünïcødé-名前'] },
      ],
    });
    const reg = createMetricsRegistry({ snapshot: () => snapshot, version: '0.1.0' });
    reg.service.setKeplerInfo([{ schema: 'v0.10+', version: '0.10.2' }]);
    reg.service.pollSucceeded(1_700_003_650, 0.4);
    reg.service.pollFailed('http_5xx', 1.5);

    const { status, findings } = checkMetrics(await reg.metrics());
    const unexpected = findings.filter((f) => !DELIBERATE.some((re) => re.test(f)));
    expect(unexpected).toEqual([]);
    expect(findings.filter((f) => f.includes('watt_hours'))).toHaveLength(4);
    expect(status).toBe(3); // lint findings only; a parse error would be exit 1
  });

  it('reports an unescaped quote as an error, so the check above can fail', () => {
    const { status, findings } = checkMetrics('# HELP x_total x\n# TYPE x_total counter\nx_total{a="b"c"} 1\n');
    expect(status).toBe(1);
    expect(findings.join('\n')).toMatch(/pars/i);
  });
});
