import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ALERTS, RULE_FILES, generateRuleFiles } from '../../src/rules/index.js';
import { startService, type RunningService } from '../e2e/support/service.js';
import type { RunningBackend } from '../support/backend.js';
import { freePort } from '../support/free-port.js';
import { startPrometheus } from '../support/prometheus-server.js';
import { waitFor } from '../support/wait-for.js';

interface Alert {
  readonly labels: Readonly<Record<string, string>>;
  readonly state: 'pending' | 'firing';
}

async function alertsNamed(prometheus: RunningBackend, name: string): Promise<Alert[]> {
  const response = await fetch(`${prometheus.url}/api/v1/alerts`);
  const body = (await response.json()) as { data: { alerts: Alert[] } };
  return body.data.alerts.filter((a) => a.labels.alertname === name);
}

describe('the carbon intensity alert in a real Prometheus that the services both read and are scraped by', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('fires for the instance whose intensity query fails on every read, and not for one whose query works', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-carbon-alert-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const config = loadConfig({
      file: { name: 'rules.yaml', text: 'rules:\n  evaluation_interval: 1s\n  carbon_intensity_error_window: 5m\n  for: { carbon_intensity_failing: 3s }\n' },
    });
    const ruleFile = path.join(dir, RULE_FILES.rules);
    await writeFile(ruleFile, generateRuleFiles(config).rules);

    // Ports first: the one Prometheus scrapes both services, and both read it.
    const [brokenPort, workingPort] = [await freePort(), await freePort()];
    const [broken, working] = [`127.0.0.1:${brokenPort}`, `127.0.0.1:${workingPort}`];
    const prometheus = await startPrometheus({
      scrapeInterval: '1s',
      ruleFiles: [ruleFile],
      scrapeConfigs: [{ job_name: 'energy-ledger', static_configs: [{ targets: [broken, working] }] }],
    });
    cleanups.push(() => prometheus.stop());

    const serve = async (listen: string, query: string): Promise<RunningService> => {
      const service = await startService({
        prometheusUrl: prometheus.url,
        config: { listen, backfill: '1h', carbon: { intensity_query: query } },
        logDestination: { write: () => undefined },
      });
      cleanups.push(() => service.stop());
      return service;
    };
    // A syntax error: Prometheus refuses every read of the intensity (HTTP 400, reason http_4xx).
    await Promise.all([serve(broken, 'avg(grid_intensity{region="a"}'), serve(working, 'vector(400)')]);

    const firing = await waitFor(async () => {
      const alerts = await alertsNamed(prometheus, ALERTS.carbonIntensityFailing);
      return alerts.some((a) => a.state === 'firing') ? alerts : undefined;
    }, 45_000, 500);
    expect(firing.map((a) => [a.labels.instance, a.labels.job, a.labels.severity, a.labels.reason, a.state])).toEqual([
      [broken, 'energy-ledger', 'warning', undefined, 'firing'],
    ]);
    const query = async (expr: string) => {
      const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      return ((await response.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
    };
    const failed = await query(`energy_ledger_carbon_intensity_errors_total{instance="${broken}"} > 0`);
    expect(failed.map((r) => r.metric.reason)).toEqual(['http_4xx']);
    // The working instance's counters are scraped too (every reason, at 0).
    const quiet = await query(`energy_ledger_carbon_intensity_errors_total{instance="${working}"}`);
    expect(quiet.length).toBeGreaterThan(0);
    expect(quiet.map((r) => r.value[1])).toEqual(quiet.map(() => '0'));
  }, 120_000);
});
