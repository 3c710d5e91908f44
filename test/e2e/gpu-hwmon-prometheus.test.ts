/**
 * Kepler v0.11 as it really behaves, through a real Prometheus: GPU pods whose processes come and go (a
 * pod's GPU counter is the sum over its running processes and drops when one exits) and one hwmon node
 * (zone `cpu_power`). 26 h of history are written into TSDB blocks with promtool; `serve` backfills them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_SECONDS, hourStart } from '../../src/core/time.js';
import { generateScenario, podEnergy, truth, writeOpenMetrics, type Scenario } from '../../src/sim/index.js';
import type { RunningBackend } from '../support/backend.js';
import { startPrometheus } from '../support/prometheus-server.js';
import { ledgerMetricNames } from './support/history.js';
import { startService, type RunningService } from './support/service.js';

/** Bounds of the acceptance: every namespace against the observable truth, GPU namespaces against the information limit. */
const NAMESPACE_BOUND = 0.005;
const LIMIT_POINTS = 0.01;
const HWMON_NODE = 'worker-3';

interface Day {
  readonly ledger: number;
  readonly truth: number;
  readonly unobservable: number;
}

/** Per namespace over the 24 h before `anchor`: what the service booked and the truth. */
async function dayPerNamespace(service: RunningService, scenario: Scenario, anchor: number): Promise<Map<string, Day>> {
  const from = anchor - 24 * HOUR_SECONDS;
  const out = new Map<string, Day>();
  const get = (ns: string): Day => out.get(ns) ?? { ledger: 0, truth: 0, unobservable: 0 };
  for (const row of await service.hours(from)) {
    if (row.start_unix >= anchor) continue;
    const ns = row.labels.namespace ?? '';
    const d = get(ns);
    out.set(ns, { ...d, ledger: d.ledger + row.joules });
  }
  for (const row of truth(scenario, { from, to: anchor }).namespaces) {
    const ns = row.labels[0]!;
    const d = get(ns);
    out.set(ns, { ...d, truth: d.truth + row.joules, unobservable: d.unobservable + row.unobservableJoules });
  }
  return out;
}

/**
 * GET with one retry: a test that spent seconds computing the truth may reuse a keep-alive connection
 * the server has just closed (ECONNRESET under load).
 */
const get = (service: RunningService, path: string): Promise<string> => service.get(path).catch(() => service.get(path));

const metric = (text: string, name: string, labels: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

describe('Kepler v0.11 with GPU process churn and an hwmon node, backfilled into Prometheus', () => {
  let dir: string;
  let backend: RunningBackend;
  let scenario: Scenario;
  let anchor: number;
  let mapped: RunningService;
  let defaults: RunningService;
  let gpuNamespaces: Set<string>;

  beforeAll(async () => {
    const now = Date.now() / 1000;
    anchor = hourStart(now - 600);
    const start = anchor - 26 * HOUR_SECONDS;
    scenario = generateScenario({
      schema: 'v0.10+',
      seed: 20_261_207,
      start,
      durationSeconds: 27 * HOUR_SECONDS + 900,
      nodes: 3,
      namespaces: 6,
      podsPerNamespace: 2,
      churn: 2,
      scrapeIntervalSeconds: 30,
      gpu: true,
      gpuProcesses: true,
      hwmonNodes: [HWMON_NODE],
      restarts: [{ node: 'worker-1', time: anchor - 9 * HOUR_SECONDS + 1234.5 }],
    });
    // Namespaces with a GPU process exiting, inside the checked day, while its pod runs on.
    const day = [anchor - 24 * HOUR_SECONDS, anchor] as const;
    gpuNamespaces = new Set(
      scenario.pods
        .filter((p) => (p.gpuProcesses ?? []).some((g) => g.end !== undefined && g.end > day[0] && g.end < day[1] && g.end < (p.end ?? Infinity)))
        .map((p) => p.namespace),
    );
    dir = await mkdtemp(path.join(tmpdir(), 'e2e-gpu-hwmon-'));
    const file = path.join(dir, 'v0.11.om.txt');
    await writeOpenMetrics(scenario, file, {
      from: start - 1,
      to: Math.floor(now),
      metrics: [...ledgerMetricNames('v0.10+'), 'kepler_pod_gpu_watts'],
      match: '{zone=~"package|dram|cpu_power|"}',
    });
    backend = await startPrometheus({ blocksFrom: file });
    [mapped, defaults] = await Promise.all([
      startService({ prometheusUrl: backend.url, config: { kepler: { zones: { cpu_power: 'package' } } } }),
      // A long overlap: every poll re-reads the end of the history, so the latest read still sees the hwmon series.
      startService({ prometheusUrl: backend.url, config: { overlap: '2h' } }),
    ]);
  }, 300_000);

  afterAll(async () => {
    await mapped?.stop();
    await defaults?.stop();
    await backend?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('has GPU namespaces whose pods lose processes while others run, and pods on the hwmon node', () => {
    expect(gpuNamespaces.size).toBeGreaterThanOrEqual(2);
    const exits = scenario.pods.flatMap((p) => (p.gpuProcesses ?? []).filter((g) => g.end !== undefined && g.end < (p.end ?? Infinity)));
    expect(exits.length).toBeGreaterThan(20);
    expect(scenario.pods.some((p) => p.node === HWMON_NODE && p.kind === 'workload')).toBe(true);
  });

  it('with kepler.zones {cpu_power: package}: every namespace within 0.5 % of the truth, GPU ones within 1 point of the information limit', async () => {
    const days = await dayPerNamespace(mapped, scenario, anchor);
    expect([...days.keys()].sort()).toEqual([...scenario.namespaces].sort());
    const lines: string[] = [];
    for (const [ns, d] of days) {
      const observable = d.truth - d.unobservable;
      const error = d.ledger / observable - 1;
      const vsTruth = d.ledger / d.truth - 1;
      const limit = -d.unobservable / d.truth;
      lines.push(`${ns}${gpuNamespaces.has(ns) ? ' (GPU)' : ''}: ${(vsTruth * 100).toFixed(3)} % of the truth, limit ${(limit * 100).toFixed(3)} %`);
      expect(Math.abs(error), `${ns}: ledger ${d.ledger} J, observable truth ${observable} J`).toBeLessThanOrEqual(NAMESPACE_BOUND);
      if (gpuNamespaces.has(ns)) {
        expect(d.unobservable, `${ns} loses energy to exited processes`).toBeGreaterThan(0);
        expect(Math.abs(vsTruth - limit), ns).toBeLessThanOrEqual(LIMIT_POINTS);
      }
    }
    console.info(`[e2e gpu/hwmon] 24 h per namespace:\n  ${lines.join('\n  ')}`);
  });

  it('tells the reset causes apart: GPU process exits, and the Kepler restart', async () => {
    const text = await get(mapped, '/metrics');
    expect(metric(text, 'energy_ledger_counter_resets_total', 'cause="gpu_process_exit"')).toBeGreaterThan(20);
    expect(metric(text, 'energy_ledger_counter_resets_total', 'cause="kepler_restart"')).toBeGreaterThan(0);
    expect(metric(text, 'energy_ledger_series_ignored', 'reason="unknown_zone"')).toBe(0);
  });

  it('with the default zones: the hwmon series show as unknown_zone, the status page names the zone, and their energy is missing', async () => {
    const text = await get(defaults, '/metrics');
    const ignored = metric(text, 'energy_ledger_series_ignored', 'reason="unknown_zone"');
    // The hwmon node's series: its node counters (active, idle) and its pods' CPU counters.
    expect(ignored).toBeGreaterThanOrEqual(3);
    const status = JSON.parse(await get(defaults, '/api/v1/status')) as { unknownZones?: string[] };
    expect(status.unknownZones).toEqual(['cpu_power']);
    expect(await get(defaults, '/')).toContain('kepler.zones: {cpu_power: package}');
    // What the mapped service has and the default one misses: the CPU energy of the hwmon node's pods.
    const from = anchor - 24 * HOUR_SECONDS;
    const sum = (days: Map<string, Day>): number => [...days.values()].reduce((s, d) => s + d.ledger, 0);
    const missing = sum(await dayPerNamespace(mapped, scenario, anchor)) - sum(await dayPerNamespace(defaults, scenario, anchor));
    const hwmonCpu = scenario.pods
      .filter((p) => p.kind === 'workload' && p.node === HWMON_NODE)
      .reduce((s, p) => s + podEnergy(p, 'package', from, anchor) + podEnergy(p, 'dram', from, anchor), 0);
    expect(hwmonCpu).toBeGreaterThan(0);
    expect(Math.abs(missing / hwmonCpu - 1)).toBeLessThan(NAMESPACE_BOUND);
  });
});
