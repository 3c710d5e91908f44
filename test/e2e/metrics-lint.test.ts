import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { generateScenario, SimulatedPrometheus } from '../../src/sim/index.js';
import { requireBinary } from '../support/binary.js';
import { waitFor } from '../support/wait-for.js';
import { parseExposition, startService } from './live-support.js';

/** The findings the contract accepts on purpose: watt-hour gauges, and promlint's guess about `counter_resets`. */
const DELIBERATE_FINDINGS = [
  `energy_ledger_counter_resets_total metric name should not include type 'counter'`,
  'energy_ledger_namespace_energy_watt_hours use base unit "seconds" instead of "hours"',
  'energy_ledger_namespace_period_energy_watt_hours use base unit "seconds" instead of "hours"',
  'energy_ledger_node_energy_watt_hours use base unit "seconds" instead of "hours"',
  'energy_ledger_node_period_energy_watt_hours use base unit "seconds" instead of "hours"',
];

describe('promtool check metrics on a running service', () => {
  it('finds nothing in /metrics but the deliberate watt-hour units and the counter_resets name', async () => {
    const promtool = requireBinary('promtool', 'prometheus');
    const now = Date.now() / 1000;
    // A cluster with GPUs, churn and a Kepler restart 10 minutes ago, as a Prometheus would have stored it.
    const scenario = generateScenario({ seed: 7, start: now - 3 * 3600, durationSeconds: 4 * 3600, gpu: true, restarts: [{ node: 'worker-1', time: now - 600 }] });
    const service = await startService({ backfill: '2h', interval: '1h' }, () => new SimulatedPrometheus(scenario, { now: () => Date.now() / 1000 }));
    try {
      const body = await waitFor(async () => {
        const response = await fetch(`${service.url}/metrics`);
        const text = await response.text();
        expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
        return service.poller.ready && text.includes('energy_ledger_node_period_energy_watt_hours') && text;
      }, 30_000, 200);
      const samples = parseExposition(body);
      // The exposition is a full one: every family of the contract has samples, resets included.
      const names = new Set(samples.map((s) => s.name));
      for (const name of ['energy_ledger_namespace_energy_joules_total', 'energy_ledger_node_energy_joules_total', 'energy_ledger_kepler_info', 'energy_ledger_build_info', 'energy_ledger_poll_duration_seconds_bucket', 'process_cpu_seconds_total']) {
        expect(names).toContain(name);
      }
      expect(samples.find((s) => s.name === 'energy_ledger_counter_resets_total')!.value).toBeGreaterThan(0);

      const check = spawnSync(promtool, ['check', 'metrics'], { input: body, encoding: 'utf8', timeout: 20_000 });
      const findings = `${check.stdout}${check.stderr}`.split('\n').filter((line) => line.trim() !== '');
      expect(findings.sort()).toEqual(DELIBERATE_FINDINGS);
      expect(check.status).toBe(3); // lint findings only; a parse error exits 1
    } finally {
      await service.stop();
    }
  });
});
