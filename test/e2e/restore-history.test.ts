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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportRequest } from '../../src/cli/context.js';
import { loadConfig } from '../../src/config/index.js';
import { HOUR_SECONDS } from '../../src/core/time.js';
import { createLogger } from '../../src/log.js';
import { PrometheusClient } from '../../src/prometheus/client.js';
import { PrometheusSource } from '../../src/prometheus/source.js';
import { buildReport } from '../../src/report/report.js';
import type { RunningBackend } from '../support/backend.js';
import { single } from './support/exposition.js';
import { namespaceEnergy, startHistoryPair, type HistoryPair } from './support/published-history.js';
import { parseReportCsv, unixOf } from './support/report-csv.js';
import type { HourJson, RunningService } from './support/service.js';

const SAME = 1e-6;

describe('a replica restores the hours whose raw samples are gone from the published history', () => {
  let pair: HistoryPair | undefined;
  let prometheus: RunningBackend;
  let b: RunningService | undefined;
  let expected: Map<string, number>;
  let cutoff: number;
  let originB: number;
  let hoursA: HourJson[];
  let dataStart: number;

  beforeAll(async () => {
    pair = await startHistoryPair(1213);
    ({ prometheus, b, expected, cutoff, originB, hoursA, dataStart } = pair);
  }, 600_000);
  afterAll(async () => pair?.stop());

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
