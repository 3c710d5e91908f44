/**
 * Namespace churn end to end (issue 17): a real Prometheus holding a simulated v0.10+ cluster in which
 * every short-lived pod runs in its own `ci-…` namespace (thousands of them), read by `serve` with the
 * example config's `namespace_relabel` and, for comparison, without it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
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
import { generateScenario, truth, type Scenario } from '../../src/sim/index.js';
import { startBackendWithHistory, type LoadedBackend } from './support/backends.js';
import { perNamespace, single } from './support/exposition.js';
import { SCRAPE_SECONDS, type History } from './support/history.js';
import { byHour, parseReportCsv } from './support/report-csv.js';
import { startService, type RunningService } from './support/service.js';

const RELABEL = [
  { regex: 'ci-.*', replacement: 'ci' },
  { regex: 'pr-[0-9]+', replacement: 'previews' },
];
const PERIOD_METRIC = 'energy_ledger_namespace_period_energy_watt_hours';
const WATERMARK_METRIC = 'energy_ledger_data_watermark_timestamp_seconds';
const TRUTH_BOUND = 0.005;
const IDENTICAL = 1e-9;
const CI_PODS_PER_HOUR = 900;
const SCRAPE = SCRAPE_SECONDS['v0.10+'];

function expectClose(actual: number, expected: number, rel: number, what: string): void {
  const scale = Math.max(Math.abs(actual), Math.abs(expected));
  if (Math.abs(actual - expected) <= rel * scale) return;
  expect.fail(`${what}: got ${actual}, expected ${expected} (relative difference ${(Math.abs(actual - expected) / scale).toExponential(3)} > ${rel})`);
}

/**
 * Calls `f` again once if it fails: a service left idle while another test ran for longer than the server's
 * keep-alive timeout can reset the pooled connection the next fetch reuses (ECONNRESET).
 */
const again = <T>(f: () => Promise<T>): Promise<T> => f().catch(() => f());

/** Four hours and a quarter of a small cluster whose short-lived pods each get a namespace `ci-<n>`. */
function churnHistory(now: number): History {
  const anchor = hourStart(now - 600);
  const start = anchor - 3 * HOUR_SECONDS;
  const generated = generateScenario({
    seed: 17,
    start,
    durationSeconds: 4 * HOUR_SECONDS + 900,
    nodes: 2,
    namespaces: ['shop', 'web'],
    podsPerNamespace: 2,
    churn: CI_PODS_PER_HOUR,
    scrapeIntervalSeconds: SCRAPE,
  });
  let n = 0;
  const pods = generated.pods.map((p) => (p.kind === 'workload' && p.end !== undefined && p.start >= start ? { ...p, namespace: `ci-${(n++).toString(36)}` } : p));
  const scenario: Scenario = { ...generated, pods, namespaces: [...new Set([...generated.namespaces, ...pods.map((p) => p.namespace)])] };
  return { schema: 'v0.10+', scenario, anchor, dataEnd: Math.floor(now) };
}

describe('namespace_relabel end to end: thousands of ci-* namespaces through a real Prometheus', () => {
  let dir: string;
  let history: History;
  let loaded: LoadedBackend;
  let relabeled: RunningService;
  let plain: RunningService;
  let ciNamespaces: string[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'e2e-relabel-'));
    history = churnHistory(Date.now() / 1000);
    ciNamespaces = history.scenario.namespaces.filter((ns) => ns.startsWith('ci-'));
    loaded = await startBackendWithHistory('prometheus', history, dir);
    relabeled = await startService({ prometheusUrl: loaded.backend.url, config: { namespace_relabel: RELABEL } });
    plain = await startService({ prometheusUrl: loaded.backend.url });
  }, 300_000);

  afterAll(async () => {
    await relabeled?.stop();
    await plain?.stop();
    await loaded?.backend.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('exposes one ci namespace whose previous_hour and current_day equal the truth of the ci-* namespaces within 0.5 %, at any time of day', async () => {
    expect(ciNamespaces.length).toBeGreaterThan(2000);
    const body = await relabeled.get('/metrics');
    const metrics = await again(() => relabeled.metrics());
    expect(body).not.toMatch(/namespace="ci-/);
    const previous = perNamespace(metrics, PERIOD_METRIC, { period: 'previous_hour' });
    const currentDay = perNamespace(metrics, PERIOD_METRIC, { period: 'current_day' });
    expect([...previous.keys()].sort()).toEqual(['ci', 'shop', 'system', 'web'].filter((ns) => previous.has(ns)));
    expect(previous.has('ci')).toBe(true);

    const w = single(metrics, WATERMARK_METRIC)!;
    const current = Math.ceil(w / HOUR_SECONDS) * HOUR_SECONDS - HOUR_SECONDS;
    const ciTruth = (from: number, to: number): number =>
      truth(history.scenario, { from, to })
        .namespaces.filter((r) => r.labels[0]!.startsWith('ci-'))
        .reduce((s, r) => s + r.joules - r.unobservableJoules, 0) / HOUR_SECONDS;
    expectClose(previous.get('ci')!, ciTruth(current - HOUR_SECONDS, current), TRUTH_BOUND, 'previous_hour of ci');
    // current_day ends at each node's newest sample, which lies within one scrape after the watermark (the
    // oldest node's newest sample): the ledger holds the truth up to somewhere in [w, w + scrape). Minutes into
    // a UTC day, that scrape is a large share of the day's energy.
    const dayFrom = Math.max(Math.floor(w / 86_400) * 86_400, history.scenario.start);
    const [least, most] = [ciTruth(dayFrom, w), ciTruth(dayFrom, w + SCRAPE)];
    const day = currentDay.get('ci')!;
    if (day < least * (1 - TRUTH_BOUND) || day > most * (1 + TRUTH_BOUND)) {
      expect.fail(`current_day of ci: got ${day}, expected the truth up to [w, w + ${SCRAPE} s) (${least}–${most}) within ${TRUTH_BOUND}`);
    }
  });

  it('sums every namespace to the same energy with and without relabeling, each ci-* namespace into ci', async () => {
    const a = await again(() => relabeled.metrics());
    const b = await again(() => plain.metrics());
    // Both read the same samples once their watermarks agree.
    expect(single(a, WATERMARK_METRIC)).toBe(single(b, WATERMARK_METRIC));
    for (const period of ['previous_hour', 'current_day']) {
      const withRelabel = perNamespace(a, PERIOD_METRIC, { period });
      const without = perNamespace(b, PERIOD_METRIC, { period });
      const sum = (m: ReadonlyMap<string, number>, keep: (ns: string) => boolean = () => true): number => [...m].filter(([ns]) => keep(ns)).reduce((s, [, v]) => s + v, 0);
      expectClose(sum(withRelabel), sum(without), IDENTICAL, `sum over namespaces of ${period}`);
      expectClose(withRelabel.get('ci')!, sum(without, (ns) => ns.startsWith('ci-')), IDENTICAL, `${period} of ci`);
      expect([...without.keys()].filter((ns) => ns.startsWith('ci-')).length).toBeGreaterThan(100);
    }
  });

  it('shrinks /metrics and reports its size in energy_ledger_metrics_series and _bytes', async () => {
    await relabeled.get('/metrics');
    await again(() => plain.get('/metrics'));
    const a = await again(() => relabeled.metrics());
    const b = await again(() => plain.metrics());
    const size = (m: typeof a) => ({ series: single(m, 'energy_ledger_metrics_series')!, bytes: single(m, 'energy_ledger_metrics_bytes')! });
    const [withRelabel, without] = [size(a), size(b)];
    console.info(`[e2e relabel] ${ciNamespaces.length} ci-* namespaces; /metrics energy part with relabeling ${withRelabel.series} series, ${withRelabel.bytes} bytes; without ${without.series} series, ${without.bytes} bytes`);
    expect(withRelabel.series).toBeLessThan(100);
    expect(without.series).toBeGreaterThan(9 * 2000);
    // The part rendered from the snapshot: the per-namespace and per-node families, and the ledger's own
    // samples, rejected, resets (by cause), series, period coverage and watermark series.
    const ledgerOwn = /^energy_ledger_(samples_total|samples_rejected_total|counter_resets_total|series|period_coverage_start_timestamp_seconds|data_watermark_timestamp_seconds)$/;
    const snapshotPart = a.filter((s) => /^energy_ledger_(namespace|node)_(energy|period)_/.test(s.name) || ledgerOwn.test(s.name)).length;
    expect(withRelabel.series).toBe(snapshotPart);
  });

  it('reports and serves the hours JSON under the relabeled name', async () => {
    const metrics = await again(() => relabeled.metrics());
    const w = single(metrics, WATERMARK_METRIC)!;
    const current = Math.ceil(w / HOUR_SECONDS) * HOUR_SECONDS - HOUR_SECONDS;
    const config = loadConfig({ flags: { 'prometheus-url': loaded.backend.url }, file: { name: 'relabel.yaml', text: `namespace_relabel:\n${RELABEL.map((r) => `  - {regex: "${r.regex}", replacement: "${r.replacement}"}`).join('\n')}\n` } });
    const client = new PrometheusClient({ ...config.prometheus });
    const source = new PrometheusSource(client, { maxRangeSeconds: config.prometheus.maxRangeSeconds });
    const request: ReportRequest = { from: current - HOUR_SECONDS, to: current, stepSeconds: HOUR_SECONDS, by: 'namespace', format: 'csv' };
    const io = { stdout: () => undefined, stderr: () => undefined, env: {}, shutdownSignal: () => new AbortController().signal };
    const csv = await buildReport({ context: { config, logger: createLogger({ level: 'warn' }), io, signal: new AbortController().signal, request }, source, now: Date.now() / 1000 });
    const rows = parseReportCsv(csv).rows;
    expect(rows.some((r) => r.namespace.startsWith('ci-'))).toBe(false);
    const reported = byHour(rows).get(current - HOUR_SECONDS)!.get('ci')!;
    expectClose(reported, perNamespace(metrics, PERIOD_METRIC, { period: 'previous_hour' }).get('ci')!, IDENTICAL, 'report row of ci vs previous_hour');
    const json = JSON.parse(await relabeled.get(`/api/v1/hours?namespace=ci&from=${current - HOUR_SECONDS}&to=${current}`)) as { hours: { labels: { namespace: string }; watt_hours: number }[] };
    expect(json.hours.length).toBe(1);
    expectClose(json.hours[0]!.watt_hours, reported, IDENTICAL, '/api/v1/hours?namespace=ci');
    const none = JSON.parse(await relabeled.get(`/api/v1/hours?namespace=${ciNamespaces[0]}`)) as { hours: unknown[] };
    expect(none.hours).toEqual([]);
  });
});
