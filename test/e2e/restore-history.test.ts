/**
 * Issue 12 acceptance: the history path. A real Prometheus holds 54 h of simulated v0.10+ Kepler data;
 * replica A reads all of it. Then the raw Kepler samples older than B's origin − 5 h 10 min (about 25 h) are
 * deleted (admin API `delete_series`, then `clean_tombstones`), and replica B (`--backfill 20h`) restores those
 * hours from A's published hourly history, compares the 4 whole hours held both raw and as history (no
 * mismatch), and publishes the same namespace previous_day, current_day, month_to_date and counters as A.
 *
 * A cannot be scraped for 54 real hours, so the test writes into Prometheus (promtool create-blocks, while
 * it is stopped) exactly the series A would have published in the last minutes of every next hour: its
 * `previous_hour` gauges, built from A's own hour values (`/api/v1/hours`), and its data watermark in the
 * same scrapes, for two replicas (`a-0`, `a-1`: never counted twice) and with a decoy scrape on each hour
 * boundary whose `previous_hour` is already the next hour (paired by its watermark, never taken). Only
 * namespace hours are written (the JSON API serves those), so only namespace series are compared. `report`
 * over those hours, with the raw samples gone, gives A's hours too.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportRequest } from '../../src/cli/context.js';
import { loadConfig } from '../../src/config/index.js';
import { HOUR_SECONDS, hourStart } from '../../src/core/time.js';
import { createLogger } from '../../src/log.js';
import { PrometheusClient } from '../../src/prometheus/client.js';
import { PrometheusSource } from '../../src/prometheus/source.js';
import { buildReport } from '../../src/report/report.js';
import { generateScenario, writeOpenMetrics } from '../../src/sim/index.js';
import type { RunningBackend } from '../support/backend.js';
import { createBlocksFromOpenMetrics } from '../support/blocks.js';
import { startPrometheus } from '../support/prometheus-server.js';
import { waitFor } from '../support/wait-for.js';
import { single, type ExposedSample } from './support/exposition.js';
import { ledgerMetricNames } from './support/history.js';
import { parseReportCsv, unixOf } from './support/report-csv.js';
import { startService, type HourJson, type RunningService } from './support/service.js';

const SAME = 1e-6;
const PERIOD = 'energy_ledger_namespace_period_energy_watt_hours';
const COUNTER = 'energy_ledger_namespace_energy_joules_total';

function namespaceEnergy(samples: readonly ExposedSample[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.name === COUNTER) out.set(`counter ${s.labels.namespace}`, s.value);
    if (s.name === PERIOD && ['previous_day', 'month_to_date', 'current_day'].includes(s.labels.period!)) out.set(`${s.labels.period} ${s.labels.namespace}`, s.value);
  }
  return out;
}

/** OpenMetrics of what replicas of A published about every hour in `hours` (rows of `/api/v1/hours`). */
function publishedHistory(hours: readonly HourJson[]): string {
  const byHour = new Map<number, HourJson[]>();
  for (const r of hours) byHour.set(r.start_unix, [...(byHour.get(r.start_unix) ?? []), r]);
  const lines: string[] = [];
  const gauge: string[] = [];
  const wm: string[] = [];
  const starts = [...byHour.keys()].sort((a, b) => a - b);
  for (const h of starts) {
    const end = h + 2 * HOUR_SECONDS;
    for (const [instance, offset] of [['a-0', 60], ['a-1', 45]] as const) {
      const t = end - offset;
      wm.push(`energy_ledger_data_watermark_timestamp_seconds{job="energy-ledger",instance="${instance}"} ${end - 1800} ${t}`);
      for (const r of byHour.get(h)!) {
        gauge.push(`energy_ledger_namespace_period_energy_watt_hours{job="energy-ledger",instance="${instance}",namespace="${r.labels.namespace}",period="previous_hour"} ${r.joules / 3600} ${t}`);
      }
      // The decoy: on the boundary the watermark is in the next hour, and so is previous_hour.
      wm.push(`energy_ledger_data_watermark_timestamp_seconds{job="energy-ledger",instance="${instance}"} ${end + 1} ${end}`);
      for (const r of byHour.get(h)!) {
        gauge.push(`energy_ledger_namespace_period_energy_watt_hours{job="energy-ledger",instance="${instance}",namespace="${r.labels.namespace}",period="previous_hour"} 1e6 ${end}`);
      }
    }
  }
  // OpenMetrics wants the samples of one series together and in time order: group by series.
  const bySeries = new Map<string, string[]>();
  for (const line of [...wm, ...gauge]) {
    const series = line.slice(0, line.indexOf('}') + 1);
    bySeries.set(series, [...(bySeries.get(series) ?? []), line]);
  }
  lines.push('# TYPE energy_ledger_data_watermark_timestamp_seconds gauge');
  for (const [series, list] of bySeries) if (series.startsWith('energy_ledger_data')) lines.push(...sortByTime(list));
  lines.push('# TYPE energy_ledger_namespace_period_energy_watt_hours gauge');
  for (const [series, list] of bySeries) if (series.startsWith('energy_ledger_namespace')) lines.push(...sortByTime(list));
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}

const sortByTime = (list: string[]): string[] => [...new Set(list)].sort((a, b) => Number(a.split(' ').at(-1)) - Number(b.split(' ').at(-1)));

describe('a replica restores the hours whose raw samples are gone from the published history', () => {
  let dir: string;
  let prometheus: RunningBackend;
  let a: RunningService | undefined;
  let b: RunningService | undefined;
  let expected: Map<string, number>;
  let cutoff: number;
  let originB: number;
  let hoursA: HourJson[];
  let dataStart: number;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'e2e-history-'));
    const now = Date.now() / 1000;
    const dataEnd = Math.floor(now);
    const start = hourStart(now) - 54 * HOUR_SECONDS;
    const scenario = generateScenario({ schema: 'v0.10+', seed: 1213, start, durationSeconds: 55 * HOUR_SECONDS, nodes: 2, namespaces: 4, podsPerNamespace: 2, churn: 1, scrapeIntervalSeconds: 30 });
    const file = path.join(dir, 'kepler.om.txt');
    await writeOpenMetrics(scenario, file, { from: start - 1, to: dataEnd, metrics: ledgerMetricNames('v0.10+'), match: '{zone=~"package|dram|"}' });
    prometheus = await startPrometheus({ blocksFrom: file, storageDir: path.join(dir, 'data') });
    // Retention 60h: `/api/v1/hours` serves the hour ring, and every hour of the data is needed for the history.
    a = await startService({ prometheusUrl: prometheus.url, config: { backfill: '56h', retention: '60h' } });
    await waitFor(() => a!.poller.restored, 120_000, 50);
    expected = namespaceEnergy(await a.metrics());
    const hours = await a.hours(start);
    hoursA = hours;
    dataStart = start;
    await a.stop();
    a = undefined;

    // B's origin will be the hour start 20 h back. The raw samples go up to 5 h 10 min before it: B takes
    // the hours before from the history, and compares the 4 whole hours that both hold (none may differ).
    originB = hourStart(Date.now() / 1000 - 20 * HOUR_SECONDS);
    cutoff = originB - 5 * HOUR_SECONDS - 600;
    await prometheus.kill('SIGTERM');
    const historyFile = path.join(dir, 'history.om.txt');
    await writeFile(historyFile, publishedHistory(hours.filter((r) => r.start_unix < originB)));
    await createBlocksFromOpenMetrics(historyFile, prometheus.dataDir, { maxBlockDuration: '72h' });
    await prometheus.restart();
    for (const [endpoint, params] of [
      ['delete_series', { 'match[]': '{__name__=~"kepler_.+"}', start: '0', end: String(cutoff) }],
      ['clean_tombstones', {}],
    ] as const) {
      const response = await fetch(`${prometheus.url}/api/v1/admin/tsdb/${endpoint}`, { method: 'POST', body: new URLSearchParams(params) });
      expect(response.status, endpoint).toBe(204);
    }
    b = await startService({ prometheusUrl: prometheus.url, config: { backfill: '20h' } });
    await waitFor(() => b!.poller.restored, 120_000, 50);
  }, 600_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await prometheus?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('holds no raw Kepler sample before the cutoff any more', async () => {
    const body = new URLSearchParams({ query: 'count(count_over_time({__name__=~"kepler_.+"}[1h]))', time: String(cutoff - 60) });
    const json = (await (await fetch(`${prometheus.url}/api/v1/query`, { method: 'POST', body })).json()) as { data: { result: unknown[] } };
    expect(json.data.result).toEqual([]);
  });

  it("publishes the namespace previous_day, current_day, month_to_date and counters of A, from A's history where the raw samples are gone", async () => {
    const got = namespaceEnergy(await b!.metrics());
    expect(expected.size).toBeGreaterThanOrEqual(12);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, want] of expected) {
      const value = got.get(key)!;
      if (Math.abs(value - want) > SAME * Math.max(Math.abs(value), Math.abs(want))) expect.fail(`${key}: got ${value}, expected ${want}`);
    }
    expect(single(await b!.metrics(), 'energy_ledger_history_mismatches_total')).toBe(0);
  });

  it("reports, with the raw samples gone, the hours A published (report's restore takes the same history path)", async () => {
    const config = loadConfig({ flags: { 'prometheus-url': prometheus.url } });
    const client = new PrometheusClient({ ...config.prometheus });
    const source = new PrometheusSource(client, { maxRangeSeconds: config.prometheus.maxRangeSeconds });
    const from = dataStart + HOUR_SECONDS;
    const request: ReportRequest = { from, to: originB, stepSeconds: HOUR_SECONDS, by: 'namespace', format: 'csv' };
    const io = { stdout: () => undefined, stderr: () => undefined, env: {}, shutdownSignal: () => new AbortController().signal };
    const context = { config, logger: createLogger({ level: 'warn' }), io, signal: new AbortController().signal, request };
    const rows = parseReportCsv(await buildReport({ context, source, prometheus: client, now: Date.now() / 1000 })).rows;
    await client.close();
    const want = hoursA.filter((r) => r.start_unix >= from && r.start_unix < originB && r.joules > 0);
    expect(want.length).toBeGreaterThan(100);
    for (const r of want) {
      const got = rows.find((row) => unixOf(row.periodStart) === r.start_unix && row.namespace === r.labels.namespace);
      expect(got, `${r.start} ${r.labels.namespace}`).toBeDefined();
      expect(Math.abs(got!.wattHours - r.watt_hours) / r.watt_hours, `${r.start} ${r.labels.namespace}`).toBeLessThan(1e-9);
    }
  });
});
