import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { hourStart } from '../../src/core/time.js';
import { createLogger } from '../../src/log.js';
import { ALERTS, RULE_FILES, generateRuleFiles } from '../../src/rules/index.js';
import { runService } from '../../src/service/run-service.js';
import { generateScenario, truth } from '../../src/sim/index.js';
import { SimulatedPrometheus } from '../../src/sim/simulated-prometheus.js';
import type { RunningBackend } from '../support/backend.js';
import { startPrometheus } from '../support/prometheus-server.js';
import { waitFor } from '../support/wait-for.js';

interface Alert {
  readonly labels: Readonly<Record<string, string>>;
  readonly state: 'pending' | 'firing';
}

const HOUR = 3600;

async function energyAlerts(prometheus: RunningBackend): Promise<Alert[]> {
  const response = await fetch(`${prometheus.url}/api/v1/alerts`);
  const body = (await response.json()) as { data: { alerts: Alert[] } };
  return body.data.alerts.filter((a) => (a.labels.alertname ?? '').startsWith('EnergyLedger'));
}

/** When each rule group was last evaluated, ms since the epoch, by group name. */
async function lastEvaluations(prometheus: RunningBackend): Promise<Map<string, number>> {
  const response = await fetch(`${prometheus.url}/api/v1/rules`);
  const body = (await response.json()) as { data: { groups: { name: string; lastEvaluation: string }[] } };
  return new Map(body.data.groups.map((g) => [g.name, Date.parse(g.lastEvaluation)]));
}

/**
 * The simulated cluster runs this many seconds ahead of the wall clock, so that its current hour is at
 * least 10 minutes from either end: the previous hour cannot roll over during the test. Prometheus
 * only sees gauges without timestamps, so the offset is invisible to it, and a watermark ahead of
 * time() cannot look like lag.
 */
function shiftAwayFromHourEdges(now: number): number {
  const intoHour = now % HOUR;
  return intoHour >= 600 && intoHour <= 3000 ? 0 : (((1800 - intoHour) % HOUR) + HOUR) % HOUR;
}

describe('generated rules in a real Prometheus scraping energy-ledger fed by the simulator', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('fires the hourly alert for the one namespace above its threshold and nothing else, then the down alert once the service stops', async () => {
    const shift = shiftAwayFromHourEdges(Date.now() / 1000);
    const now = (): number => Date.now() / 1000 + shift;
    const previousHour = hourStart(now()) - HOUR;
    const scenario = generateScenario({
      seed: 7,
      start: previousHour - 2 * HOUR,
      durationSeconds: 4 * HOUR,
      nodes: 2,
      namespaces: 5,
      churn: 2,
    });

    // Thresholds from the simulator's ground truth of the previous hour: every namespace stays far under
    // the default except the busiest, whose override is half its energy.
    const wh = new Map(truth(scenario, { from: previousHour, to: previousHour + HOUR }).namespaces.map((r) => [r.labels[0] as string, r.joules / HOUR]));
    const [hot, hotWh] = [...wh].sort((x, y) => y[1] - x[1])[0] as [string, number];
    const defaultThreshold = Math.ceil(2 * Math.max(...wh.values()));
    const hotThreshold = Math.floor(hotWh / 2);
    expect(hotThreshold).toBeGreaterThan(0);

    const dir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-rules-e2e-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const config = loadConfig({
      file: {
        name: 'e2e.yaml',
        text: [
          'listen: 127.0.0.1:0',
          'interval: 2s',
          'backfill: 2h',
          'retention: 3h',
          'windows: [5m, 1h]',
          'kepler: { schema: v0.10+ }',
          // A budget far above anything: its burn alerts are loaded and evaluated, and must stay quiet.
          `budgets: { ${hot}: { daily_wh: ${Math.ceil(hotWh * 1000)} } }`,
          'rules:',
          '  evaluation_interval: 1s',
          `  hourly_threshold_wh: ${defaultThreshold}`,
          '  namespaces:',
          `    ${hot}: { hourly_threshold_wh: ${hotThreshold} }`,
          '  for: { hourly_energy_high: 0s, down: 3s }',
          '',
        ].join('\n'),
      },
    });
    const ruleFile = path.join(dir, RULE_FILES.rules);
    await writeFile(ruleFile, generateRuleFiles(config).rules);

    const stop = new AbortController();
    let ready: (url: string) => void = () => {};
    let failed: (error: unknown) => void = () => {};
    const listening = new Promise<string>((resolve, reject) => {
      ready = resolve;
      failed = reject;
    });
    const service = runService(
      {
        config,
        logger: createLogger({ level: 'silent' }),
        source: new SimulatedPrometheus(scenario, { now }),
        version: 'e2e',
        now,
        // Prometheus starts once the backfill is done, so its first scrape already sees a healthy service.
        onListening: ({ url }, poller) => void waitFor(() => poller.ready, 60_000).then(() => ready(url), failed),
      },
      stop.signal,
    );
    const stopService = async (): Promise<void> => {
      stop.abort();
      await service;
    };
    cleanups.push(stopService);
    const serviceUrl = await listening;

    const prometheus = await startPrometheus({
      scrapeInterval: '1s',
      ruleFiles: [ruleFile],
      scrapeConfigs: [{ job_name: 'energy-ledger', static_configs: [{ targets: [new URL(serviceUrl).host] }] }],
    });
    cleanups.push(() => prometheus.stop());

    const hourly = await waitFor(async () => {
      const alerts = await energyAlerts(prometheus);
      return alerts.find((a) => a.labels.alertname === ALERTS.hourlyEnergyHigh && a.state === 'firing') ? alerts : undefined;
    }, 45_000, 500);
    expect(hourly.filter((a) => a.labels.alertname === ALERTS.hourlyEnergyHigh).map((a) => a.labels.namespace)).toEqual([hot]);
    // Three more evaluations of every group (1 s apart): still that one alert, and no other energy alert pending or firing.
    const seen = await lastEvaluations(prometheus);
    expect(seen.size).toBeGreaterThan(1);
    await waitFor(async () => [...(await lastEvaluations(prometheus))].every(([group, at]) => at >= (seen.get(group) ?? Infinity) + 3000), 30_000, 250);
    const settled = await energyAlerts(prometheus);
    expect(settled.map((a) => [a.labels.alertname, a.labels.namespace, a.state])).toEqual([[ALERTS.hourlyEnergyHigh, hot, 'firing']]);

    await stopService();
    const down = await waitFor(async () => {
      const alerts = await energyAlerts(prometheus);
      return alerts.find((a) => a.labels.alertname === ALERTS.down && a.state === 'firing');
    }, 30_000, 500);
    expect(down.labels.instance).toBe(new URL(serviceUrl).host);
  }, 90_000);
});
