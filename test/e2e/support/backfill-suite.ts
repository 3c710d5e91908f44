import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportRequest } from '../../../src/cli/context.js';
import { loadConfig } from '../../../src/config/index.js';
import { HOUR_SECONDS, formatRfc3339Utc, hourStart } from '../../../src/core/time.js';
import type { SchemaId } from '../../../src/core/types.js';
import { createLogger } from '../../../src/log.js';
import { PrometheusClient } from '../../../src/prometheus/client.js';
import { PrometheusSource } from '../../../src/prometheus/source.js';
import { buildReport } from '../../../src/report/report.js';
import { simulatedSamples, truth } from '../../../src/sim/index.js';
import { METRIC_NAMES_BY_SCHEMA } from '../../../src/core/schema/catalogue.js';
import { startBackendWithHistory, type BackendKind, type LoadedBackend } from './backends.js';
import { ensureCliBuilt, runCli, type CliResult } from './cli.js';
import { perNamespace, single, type ExposedSample } from './exposition.js';
import { historyScenario, longLivedNamespaces, SCRAPE_SECONDS, type History } from './history.js';
import { waitFor } from '../../support/wait-for.js';
import { byHour, CSV_HEADER, parseReportCsv, unixOf, type CsvRow } from './report-csv.js';
import { startService, type HourJson, type RunningService } from './service.js';

/** Where numbers computed from the same samples must agree. */
const IDENTICAL = 1e-9;
/** Accuracy bounds against the simulator's ground truth. */
const DAY_BOUND = 0.0005;
const HOUR_BOUND = 0.005;

const PERIOD_METRIC = 'energy_ledger_namespace_period_energy_watt_hours';
const WINDOW_METRIC = 'energy_ledger_namespace_energy_watt_hours';
const WATERMARK_METRIC = 'energy_ledger_data_watermark_timestamp_seconds';

/** `|a − b| ≤ rel · max(|a|, |b|)`, with a readable failure. */
function expectClose(actual: number, expected: number, rel: number, what: string): void {
  const scale = Math.max(Math.abs(actual), Math.abs(expected));
  if (Math.abs(actual - expected) <= rel * scale) return;
  expect.fail(`${what}: got ${actual}, expected ${expected} (relative difference ${(Math.abs(actual - expected) / scale).toExponential(3)} > ${rel})`);
}

/** Compares two `namespace → Wh` maps over the union of their keys (a missing key is 0). */
function expectSameValues(actual: ReadonlyMap<string, number>, expected: ReadonlyMap<string, number>, what: string): void {
  const keys = new Set([...actual.keys(), ...expected.keys()]);
  expect(keys.size).toBeGreaterThan(0);
  for (const key of keys) expectClose(actual.get(key) ?? 0, expected.get(key) ?? 0, IDENTICAL, `${what} ${key}`);
}

/** `/api/v1/hours` rows as `hourStart → namespace → Wh`. */
function hoursByHour(rows: readonly HourJson[]): Map<number, Map<string, number>> {
  const out = new Map<number, Map<string, number>>();
  for (const r of rows) {
    let m = out.get(r.start_unix);
    if (m === undefined) out.set(r.start_unix, (m = new Map()));
    m.set(r.labels.namespace ?? '', r.watt_hours);
  }
  return out;
}

/** Start of the hour the ledger calls current at watermark `w` (an instant on a boundary ends the hour before). */
function currentHourAt(w: number): number {
  return Math.ceil(w / HOUR_SECONDS) * HOUR_SECONDS - HOUR_SECONDS;
}

/**
 * The end-to-end suite over one backend holding ~26 h of one Kepler schema's history: the `report`
 * CLI against the simulator's ground truth, and `serve` against the report, across restarts and
 * poll schedules. One backend, one history and one report per suite.
 */
export function describeBackfill(schema: SchemaId, kind: BackendKind): void {
  describe(`${schema} history backfilled into ${kind}`, () => {
    let dir: string;
    let history: History;
    let loaded: LoadedBackend;
    let url: string;
    let reportFrom: number;
    let reportTo: number;
    let report: CliResult;
    let rows: CsvRow[];
    let reportHours: Map<number, Map<string, number>>;
    let service: RunningService;
    const timings: Record<string, number> = {};

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'e2e-backfill-'));
      history = historyScenario(schema, Date.now() / 1000);
      [, loaded] = await Promise.all([ensureCliBuilt(), startBackendWithHistory(kind, history, dir)]);
      url = loaded.backend.url;
      // The 24 complete hours before the anchor, then every hour up to the one the data ends in, so
      // the report also has rows for the hours `serve` calls previous and current.
      reportFrom = history.anchor - 24 * HOUR_SECONDS;
      reportTo = hourStart(history.dataEnd) + HOUR_SECONDS;
      let t = performance.now();
      report = await runCli(['report', '--prometheus-url', url, '--from', formatRfc3339Utc(reportFrom), '--to', String(reportTo), '--step', '1h', '--format', 'csv']);
      timings.reportMs = performance.now() - t;
      if (report.code !== 0) throw new Error(`report failed (exit ${report.code}): ${report.stderr}`);
      rows = parseReportCsv(report.stdout).rows;
      reportHours = byHour(rows);
      t = performance.now();
      service = await startService({ prometheusUrl: url });
      timings.serveBackfillMs = performance.now() - t;
    });

    afterAll(async () => {
      await service?.stop();
      await loaded?.backend.stop();
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
      console.info(
        `[e2e ${schema} ${kind}] ${loaded?.summary.series} series, ${loaded?.summary.samples} samples; write ${Math.round(loaded?.writeMs)} ms, ` +
          `load+start ${Math.round(loaded?.loadMs)} ms, report ${Math.round(timings.reportMs ?? NaN)} ms, serve backfill ${Math.round(timings.serveBackfillMs ?? NaN)} ms`,
      );
    });

    it('answers an instant query of a range selector with the raw stored samples, as the ledger reads them', async () => {
      const metric = METRIC_NAMES_BY_SCHEMA[schema][0]!;
      const [start, end] = [history.anchor - 2 * HOUR_SECONDS, history.anchor];
      const client = new PrometheusClient({ ...loadConfig({ flags: { 'prometheus-url': url } }).prometheus });
      const got = await new PrometheusSource(client).fetchRange({ selector: metric, start, end });
      const want = simulatedSamples(history.scenario, metric, start, end).filter((s) => ['package', 'dram', undefined].includes(s.labels.zone));
      const key = (labels: Readonly<Record<string, string>>): string => JSON.stringify(Object.entries(labels).sort());
      const wanted = new Map(want.map((s) => [key(s.labels), s]));
      expect(want.length).toBeGreaterThan(5);
      expect(got.map((s) => key(s.labels)).sort()).toEqual([...wanted.keys()].sort());
      // VictoriaMetrics 1.79 keeps 12 significant digits of a float (measured: 556752.8502188682 comes
      // back as 556752.850219); Prometheus returns every bit.
      const rel = kind === 'victoria-metrics' ? 1e-11 : 0;
      for (const s of got) {
        const w = wanted.get(key(s.labels))!;
        expect(Array.from(s.timestamps)).toEqual(w.timestamps);
        Array.from(s.values).forEach((v, i) => {
          if (Math.abs(v - w.values[i]!) > rel * Math.abs(w.values[i]!)) expect.fail(`${key(s.labels)} sample ${i}: got ${v}, stored ${w.values[i]}`);
        });
      }
    });

    it('reports CSV with the contract header, RFC 3339 UTC hours, every namespace in every hour, sorted by period then namespace', () => {
      expect(parseReportCsv(report.stdout).header).toBe(CSV_HEADER);
      const periods = [...new Set(rows.map((r) => r.periodStart))];
      // The report ends with the hour that holds the data's watermark. Hours are (a, b]: until every node
      // has a sample after the hour's start (at most one scrape interval), that is still the previous one.
      const intoHour = history.dataEnd - hourStart(history.dataEnd);
      const end = intoHour <= SCRAPE_SECONDS[schema] && periods.length === (reportTo - reportFrom) / HOUR_SECONDS - 1 ? reportTo - HOUR_SECONDS : reportTo;
      expect(periods.map(unixOf)).toEqual(Array.from({ length: (end - reportFrom) / HOUR_SECONDS }, (_, i) => reportFrom + i * HOUR_SECONDS));
      for (const r of rows) {
        expect(unixOf(r.periodEnd) - unixOf(r.periodStart)).toBe(HOUR_SECONDS);
        expect(Number.isFinite(r.wattHours) && r.wattHours >= 0).toBe(true);
      }
      const namespaces = [...new Set(rows.map((r) => r.namespace))].sort();
      expect(namespaces).toEqual([...history.scenario.namespaces].sort());
      expect(rows.length).toBe(periods.length * namespaces.length);
      const order = (r: CsvRow): string => `${r.periodStart} ${r.namespace}`;
      expect(rows.map(order)).toEqual(rows.map(order).sort());
    });

    it('reports every namespace within 0.05 % of the ground truth over 24 h and long-lived ones within 0.5 % per hour', () => {
      const expected = truth(history.scenario, { from: reportFrom, to: history.anchor }).namespaces;
      const day = new Map<string, { got: number; want: number }>();
      const steady = longLivedNamespaces(history.scenario, reportFrom, history.anchor);
      // Short-lived pods all run in one namespace; the others must meet the hourly bound.
      expect(steady.size).toBeGreaterThanOrEqual(3);
      let worstHour = 0;
      for (const row of expected) {
        const [namespace] = row.labels as [string];
        const want = (row.joules - row.unobservableJoules) / HOUR_SECONDS;
        const got = reportHours.get(row.hourStart)?.get(namespace);
        expect(got, `report row ${formatRfc3339Utc(row.hourStart)} ${namespace}`).toBeDefined();
        const d = day.get(namespace) ?? { got: 0, want: 0 };
        day.set(namespace, { got: d.got + got!, want: d.want + want });
        if (steady.has(namespace)) {
          worstHour = Math.max(worstHour, Math.abs(got! - want) / want);
          expectClose(got!, want, HOUR_BOUND, `${formatRfc3339Utc(row.hourStart)} ${namespace}`);
        }
      }
      expect([...day.keys()].sort()).toEqual([...history.scenario.namespaces].sort());
      let worstDay = 0;
      for (const [namespace, { got, want }] of day) {
        worstDay = Math.max(worstDay, Math.abs(got - want) / want);
        expectClose(got, want, DAY_BOUND, `24 h ${namespace}`);
      }
      console.info(`[e2e ${schema} ${kind}] report vs truth: worst 24 h ${(worstDay * 100).toFixed(4)} %, worst long-lived hour ${(worstHour * 100).toFixed(4)} %`);
    });

    it('reports and serves the same first hour of the stored history, without counting what Kepler counted before it', async () => {
      // Prometheus holds nothing before the history's start, so every series of worker-2 (scraped
      // after the hour starts) is first seen inside the hour while its counter holds days of energy.
      const from = history.scenario.start;
      const worker2 = history.scenario.nodes[1]!;
      expect(worker2.keplerStart).toBeLessThan(from - 600);
      expect(worker2.scrapePhaseMs).toBeGreaterThan(0);
      const first = await runCli(['report', '--prometheus-url', url, '--from', String(from), '--to', String(from + HOUR_SECONDS), '--format', 'csv']);
      expect(first.code, first.stderr).toBe(0);
      const got = byHour(parseReportCsv(first.stdout).rows).get(from)!;
      const expected = truth(history.scenario, { from, to: from + HOUR_SECONDS }).namespaces;
      expect(expected.length).toBe(history.scenario.namespaces.length);
      // What worker-2 used before its first scrape in the hour is lost: at most one scrape interval.
      const bound = (SCRAPE_SECONDS[schema] + history.scenario.tickSeconds) / HOUR_SECONDS;
      for (const row of expected) {
        const want = (row.joules - row.unobservableJoules) / HOUR_SECONDS;
        const ns = row.labels[0]!;
        expect(got.get(ns)!, ns).toBeLessThanOrEqual(want * (1 + bound));
        expect(got.get(ns)!, ns).toBeGreaterThanOrEqual(want * (1 - bound));
      }
      // A service whose backfill reaches back to the same first hour takes the same baselines.
      const early = await startService({ prometheusUrl: url, config: { backfill: `${Math.floor(Date.now() / 1000 - from - 60)}s` } });
      try {
        expect(early.origin).toBe(from);
        expectSameValues(hoursByHour(await early.hours(from)).get(from)!, got, 'first hour served');
      } finally {
        await early.stop();
      }
    });

    it('serves previous_hour and current_hour equal to the report rows of those hours, and /api/v1/hours equal to every report row', async () => {
      const metrics = await service.metrics();
      const w = single(metrics, WATERMARK_METRIC)!;
      expect(w).toBeGreaterThan(history.dataEnd - 60);
      expect(w).toBeLessThanOrEqual(history.dataEnd);
      const current = currentHourAt(w);
      const previous = perNamespace(metrics, PERIOD_METRIC, { period: 'previous_hour' });
      for (const namespace of history.scenario.namespaces) expect(previous.get(namespace), namespace).toBeGreaterThan(0);
      // Both are pure functions of the same stored samples; the data stopped growing before either ran.
      expectSameValues(previous, reportHours.get(current - HOUR_SECONDS)!, 'previous_hour');
      expectSameValues(perNamespace(metrics, PERIOD_METRIC, { period: 'current_hour' }), reportHours.get(current)!, 'current_hour');
      const served = hoursByHour(await service.hours(reportFrom));
      expect([...served.keys()]).toEqual([...reportHours.keys()].filter((h) => h <= current));
      for (const [hour, values] of served) expectSameValues(values, reportHours.get(hour)!, `hour ${formatRfc3339Utc(hour)}`);
    });

    it('serves a 24h window ending at the watermark that the report hours bracket and that matches the ground truth within 0.05 % plus the scrape lag', async () => {
      // The window (w − 24 h, w] is not made of whole hours: it is the tail of the hour holding
      // w − 24 h, the whole hours after it, and current_hour. The report gives the whole hours
      // exactly, so it brackets the window; the tail is checked against the ground truth instead.
      // The exact identity is the next test, with the watermark on an hour boundary.
      // The watermark is the newest sample of any series: the other node's samples end up to one
      // scrape interval earlier, and Kepler's counters lag by up to one of its ticks, so the window
      // misses up to that much of a day at its end (measured on this scenario at various data ends:
      // up to −0.055 % for 24h; the same lag costs the 5m window up to −8 %, see the report).
      const bound = DAY_BOUND + (SCRAPE_SECONDS[schema] + history.scenario.tickSeconds) / (24 * HOUR_SECONDS);
      const metrics = await service.metrics();
      const w = single(metrics, WATERMARK_METRIC)!;
      const windows = perNamespace(metrics, WINDOW_METRIC, { window: '24h' });
      const firstWhole = currentHourAt(w - 24 * HOUR_SECONDS) + HOUR_SECONDS;
      const expected = truth(history.scenario, { from: w - 24 * HOUR_SECONDS, to: w }).namespaces;
      let worst = 0;
      for (const namespace of history.scenario.namespaces) {
        let whole = 0;
        for (let h = firstWhole; h <= currentHourAt(w); h += HOUR_SECONDS) whole += reportHours.get(h)?.get(namespace) ?? 0;
        const tailHour = reportHours.get(firstWhole - HOUR_SECONDS)?.get(namespace) ?? 0;
        const got = windows.get(namespace) ?? 0;
        expect(got).toBeGreaterThanOrEqual(whole * (1 - IDENTICAL));
        expect(got).toBeLessThanOrEqual((whole + tailHour) * (1 + IDENTICAL));
        const want = expected.filter((r) => r.labels[0] === namespace).reduce((s, r) => s + r.joules - r.unobservableJoules, 0) / HOUR_SECONDS;
        worst = Math.max(worst, Math.abs(got - want) / want);
        expectClose(got, want, bound, `24h window ${namespace}`);
      }
      console.info(`[e2e ${schema} ${kind}] serve 24h window vs truth: worst ${(worst * 100).toFixed(4)} %`);
    });

    it('serves, with its watermark on an hour boundary, a 24h window equal to the sum of the report over those 24 hours', async () => {
      // Node worker-1 is scraped on every hour boundary; the other node a little later in the interval.
      // A service whose clock reads the other node's first scrape after the anchor has its settled
      // watermark (the oldest of the nodes' newest samples) exactly on the anchor: the 24h window is
      // exactly the 24 hours before it. The report is run as of the same instant, so both read the
      // same samples.
      const at = history.anchor;
      const { scrapeIntervalSeconds, nodes } = history.scenario;
      const clock = at + Math.max(...nodes.map((n) => (n.scrapePhaseMs / 1000) % scrapeIntervalSeconds));
      const pinned = await startService({ prometheusUrl: url, now: () => clock });
      try {
        const metrics = await pinned.metrics();
        expect(single(metrics, WATERMARK_METRIC)).toBe(at);
        const asOfAnchor = await reportAt(url, reportFrom, at, clock);
        const windows = perNamespace(metrics, WINDOW_METRIC, { window: '24h' });
        const sums = new Map<string, number>();
        for (const r of asOfAnchor) sums.set(r.namespace, (sums.get(r.namespace) ?? 0) + r.wattHours);
        expectSameValues(windows, sums, '24h window');
        const own = hoursByHour(await pinned.hours(reportFrom));
        const ownSums = new Map<string, number>();
        for (const values of own.values()) for (const [ns, wh] of values) ownSums.set(ns, (ownSums.get(ns) ?? 0) + wh);
        expectSameValues(windows, ownSums, '24h window vs /api/v1/hours');
        // An instant on a boundary ends the hour before: current_hour is the last whole hour.
        const last = byHour(asOfAnchor).get(at - HOUR_SECONDS)!;
        expectSameValues(perNamespace(metrics, PERIOD_METRIC, { period: 'current_hour' }), last, 'current_hour at the anchor');
        for (let h = reportFrom; h < at - HOUR_SECONDS; h += HOUR_SECONDS) expectSameValues(own.get(h)!, reportHours.get(h)!, `hour ${formatRfc3339Utc(h)}`);
      } finally {
        await pinned.stop();
      }
    });

    it('publishes the joules counters once its restore, which reads the published counters back from this backend, is complete', async () => {
      // Nothing published them here: each base is 0 and each counter is month_to_date x 3600 of the same scrape.
      await waitFor(async () => single(await service.metrics(), 'energy_ledger_restore_progress_ratio') === 1, 60_000, 250);
      const metrics = await service.metrics();
      const counters = perNamespace(metrics, 'energy_ledger_namespace_energy_joules_total', {});
      const month = perNamespace(metrics, PERIOD_METRIC, { period: 'month_to_date' });
      expect(counters.size).toBeGreaterThan(0);
      expect([...counters.keys()].sort()).toEqual([...month.keys()].sort());
      for (const [namespace, wh] of month) expectClose(counters.get(namespace)!, wh * HOUR_SECONDS, IDENTICAL, `counter of ${namespace}`);
    });

    it('yields identical hours after a restart, and from a second instance on another schedule', async () => {
      const before = await service.hours();
      const beforeMetrics = await service.metrics();
      await service.stop();
      service = await startService({ prometheusUrl: url });
      // Another instance: polls every 3 s instead of 1 s, started later, reads in 47-minute queries
      // instead of 2-hour ones and re-reads a 1-minute overlap instead of 5 minutes.
      const other = await startService({ prometheusUrl: url, config: { interval: '3s', overlap: '1m', prometheus: { max_range: '47m' } } });
      try {
        // Let the slower one poll again (re-reading its overlap; the other polls every second) before comparing.
        await waitForPolls(other, 1);
        const from = Math.max(service.origin, other.origin, before[0]!.start_unix);
        const expected = hoursByHour(before.filter((r) => r.start_unix >= from));
        expect(expected.size).toBeGreaterThanOrEqual(24);
        for (const instance of [service, other]) {
          const got = hoursByHour(await instance.hours(from));
          expect([...got.keys()]).toEqual([...expected.keys()]);
          for (const [hour, values] of got) expectSameValues(values, expected.get(hour)!, `hour ${formatRfc3339Utc(hour)}`);
          const metrics = await instance.metrics();
          for (const period of ['previous_hour', 'current_hour']) {
            expectSameValues(perNamespace(metrics, PERIOD_METRIC, { period }), perNamespace(beforeMetrics, PERIOD_METRIC, { period }), period);
          }
        }
      } finally {
        await other.stop();
      }
    });
  });
}

/** Waits until `instance` has completed `n` more successful polls. */
async function waitForPolls(instance: RunningService, n: number): Promise<void> {
  const lastPoll = (m: readonly ExposedSample[]): number => single(m, 'energy_ledger_last_poll_success_timestamp_seconds') ?? 0;
  const start = lastPoll(await instance.metrics());
  let seen = 0;
  let previous = start;
  const deadline = Date.now() + 30_000;
  while (seen < n) {
    if (Date.now() > deadline) throw new Error(`failed to see ${n} polls within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = lastPoll(await instance.metrics());
    if (now > previous) {
      seen++;
      previous = now;
    }
  }
}

/** The report over `[from, to)` as the CLI computes it, run in-process as of wall-clock time `now`. */
async function reportAt(url: string, from: number, to: number, now: number): Promise<CsvRow[]> {
  const config = loadConfig({ flags: { 'prometheus-url': url } });
  const client = new PrometheusClient({ ...config.prometheus });
  const source = new PrometheusSource(client, { maxRangeSeconds: config.prometheus.maxRangeSeconds });
  const request: ReportRequest = { from, to, stepSeconds: HOUR_SECONDS, by: 'namespace', format: 'csv' };
  const io = { stdout: () => undefined, stderr: () => undefined, env: {}, shutdownSignal: () => new AbortController().signal };
  const context = { config, logger: createLogger({ level: 'warn' }), io, signal: new AbortController().signal, request };
  const csv = await buildReport({ context, source, now });
  const parsed = parseReportCsv(csv);
  expect(parsed.header).toBe(CSV_HEADER);
  return parsed.rows;
}
