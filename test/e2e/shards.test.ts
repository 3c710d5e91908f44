import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/index.js';
import { hourStart } from '../../src/core/time.js';
import { shardOfNode } from '../../src/core/shard/node-hash.js';
import { createLogger } from '../../src/log.js';
import { RULE_FILES, generateRuleFiles } from '../../src/rules/index.js';
import { SERVICE_RECORDS } from '../../src/rules/names.js';
import { prometheusFromConfig } from '../../src/service/prometheus-from-config.js';
import { runService } from '../../src/service/run-service.js';
import { generateScenario, writeOpenMetrics } from '../../src/sim/index.js';
import type { RunningBackend } from '../support/backend.js';
import { freePort } from '../support/free-port.js';
import { startPrometheus } from '../support/prometheus-server.js';
import { waitFor } from '../support/wait-for.js';

const HOUR = 3600;
const SHARDED_JOB = 'energy-ledger';
const SINGLE_JOB = 'energy-ledger-single';

interface VectorRow {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: [number, string];
}

async function instant(prometheus: RunningBackend, query: string, time: number): Promise<VectorRow[]> {
  const response = await fetch(`${prometheus.url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query, time: String(time) }) });
  const body = (await response.json()) as { status: string; data: { result: VectorRow[] } };
  if (body.status !== 'success') throw new Error(`query failed: ${query}`);
  return body.data.result;
}

/** namespace → value of a recording of one job (job, period and the other labels must leave one row per namespace). */
function byNamespace(rows: readonly VectorRow[]): Map<string, number> {
  return new Map(rows.map((r) => [r.metric.namespace as string, Number(r.value[1])]));
}

describe('two shards and one unsharded replica against the same real Prometheus, with the generated rules loaded', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('the recordings summed over the shards equal those of the unsharded replica', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-shards-e2e-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    // Kepler v0.10+ history of 8 nodes over the last 3 hours, in TSDB blocks; no sample after now, so the
    // watermark and previous_hour stay put while the test runs.
    const now = Math.floor(Date.now() / 1000);
    const scenario = generateScenario({ seed: 16, start: hourStart(now) - 3 * HOUR, durationSeconds: 4 * HOUR, nodes: 8, namespaces: 6, churn: 4, scrapeIntervalSeconds: 30 });
    const nodes = scenario.nodes.map((n) => n.name);
    expect(new Set(nodes.map((n) => shardOfNode(n, 2))).size).toBe(2);
    const history = path.join(dir, 'kepler.om.txt');
    await writeOpenMetrics(scenario, history, { from: scenario.start - 1, to: now, metrics: ['kepler_build_info', 'kepler_pod_cpu_joules_total', 'kepler_node_cpu_active_joules_total', 'kepler_node_cpu_idle_joules_total'], match: '{zone=~"package|dram|"}' });

    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    const [shard0, shard1, single] = ports.map((p) => `127.0.0.1:${p}`) as [string, string, string];
    const base = ['interval: 2s', 'backfill: 3h', 'retention: 4h', 'windows: [5m, 1h]', 'kepler: { schema: v0.10+ }', 'rules: { evaluation_interval: 1s, service_selector: "{job=\\"JOB\\"}" }'];
    const configFor = (listen: string, job: string, extra: string[] = [], url = 'http://127.0.0.1:1'): Config =>
      loadConfig({ file: { name: 'e2e.yaml', text: [`listen: ${listen}`, `prometheus: { url: "${url}" }`, ...base.map((l) => l.replace('JOB', job)), ...extra, ''].join('\n') } });
    const ruleFiles = [path.join(dir, `sharded-${RULE_FILES.rules}`), path.join(dir, `single-${RULE_FILES.rules}`)];
    await writeFile(ruleFiles[0] as string, generateRuleFiles(configFor(shard0, SHARDED_JOB)).rules);
    await writeFile(ruleFiles[1] as string, generateRuleFiles(configFor(single, SINGLE_JOB)).rules);

    const prometheus = await startPrometheus({
      blocksFrom: history,
      scrapeInterval: '1s',
      ruleFiles,
      scrapeConfigs: [
        { job_name: SHARDED_JOB, static_configs: [{ targets: [shard0, shard1] }] },
        { job_name: SINGLE_JOB, static_configs: [{ targets: [single] }] },
      ],
    });
    cleanups.push(() => prometheus.stop());

    const replicas: [string, string, string[]][] = [
      [shard0, SHARDED_JOB, ['shard: 0/2']],
      [shard1, SHARDED_JOB, ['shard: 1/2']],
      [single, SINGLE_JOB, []],
    ];
    for (const [listen, job, extra] of replicas) {
      const config = configFor(listen, job, extra, prometheus.url);
      const logger = createLogger({ level: 'silent' });
      const { client, source } = prometheusFromConfig(config, logger);
      const stop = new AbortController();
      const running = runService({ config, logger, source, prometheus: client, version: 'e2e' }, stop.signal);
      cleanups.push(async () => {
        stop.abort();
        await running;
        await client.close();
      });
    }

    const period = SERVICE_RECORDS.namespacePeriodWh;
    const previous = (job: string) => `${period}{job="${job}", period="previous_hour"}`;
    // Both jobs recorded, from every replica (the shards' series carry shard="0" and shard="1").
    const at = await waitFor(async () => {
      const t = Date.now() / 1000;
      const [sharded, one, shards] = await Promise.all([
        instant(prometheus, previous(SHARDED_JOB), t),
        instant(prometheus, previous(SINGLE_JOB), t),
        instant(prometheus, `count by (shard) (energy_ledger_namespace_period_energy_watt_hours{job="${SHARDED_JOB}", period="previous_hour"})`, t),
      ]);
      return sharded.length > 0 && one.length > 0 && shards.length === 2 && sharded.length === one.length ? t : undefined;
    }, 60_000, 500);
    // Let a few more evaluations happen, then compare at one evaluation time.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const t = Math.max(at, Date.now() / 1000 - 1);
    const summed = byNamespace(await instant(prometheus, previous(SHARDED_JOB), t));
    const unsharded = byNamespace(await instant(prometheus, previous(SINGLE_JOB), t));
    expect(unsharded.size).toBeGreaterThanOrEqual(3);
    expect([...summed.keys()].sort()).toEqual([...unsharded.keys()].sort());
    for (const [namespace, wh] of unsharded) {
      expect(wh).toBeGreaterThan(0);
      expect(Math.abs((summed.get(namespace) as number) - wh)).toBeLessThanOrEqual(1e-9 * wh);
    }
    // Each shard alone has less than the whole of some namespace: the sum is not one shard counted twice.
    const perShard = await instant(prometheus, `energy_ledger_namespace_period_energy_watt_hours{job="${SHARDED_JOB}", period="previous_hour"}`, t);
    expect(perShard.some((r) => Number(r.value[1]) < (unsharded.get(r.metric.namespace as string) as number) * (1 - 1e-6))).toBe(true);
    // Node power: every node is recorded once, from its own shard. The counters it is the rate of are exposed
    // once each replica's background restore is complete, and rate() needs two of their scrapes.
    const nodePower = await waitFor(async () => {
      const rows = await instant(prometheus, `${SERVICE_RECORDS.nodePower}{job="${SHARDED_JOB}"}`, Date.now() / 1000);
      return rows.length >= nodes.length ? rows : undefined;
    }, 90_000, 500);
    expect(nodePower.map((r) => r.metric.node).sort()).toEqual([...nodes].sort());
    expect(nodePower.every((r) => r.metric.shard === undefined)).toBe(true);
  }, 240_000);
});
