/**
 * Issue 12, counters without a month epoch: a started service continues the `…_joules_total` counters from
 * the base its replicas published (counter − month_to_date × 3600 of one scrape), read from a real
 * Prometheus. The published series are written as blocks (promtool create-blocks) beside 3 h of simulated
 * v0.10+ Kepler data, under two jobs that two services read with their own `rules.service_selector`:
 * - `ledger-month`: scrapes of this month whose counter and `month_to_date` both grow from scrape to scrape
 *   (pairing values of two scrapes would give another base), an older replica with another base (never
 *   taken: the newest scrape is), and a namespace published with a counter and no `month_to_date`;
 * - `ledger-previous`: scrapes whose watermark is in the previous month (nothing published this month): the
 *   base is the newest published counter.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_SECONDS, hourStart } from '../../src/core/time.js';
import { generateScenario, writeOpenMetrics } from '../../src/sim/index.js';
import type { RunningBackend } from '../support/backend.js';
import { createBlocksFromOpenMetrics } from '../support/blocks.js';
import { startPrometheus } from '../support/prometheus-server.js';
import type { ExposedSample } from './support/exposition.js';
import { ledgerMetricNames } from './support/history.js';
import { startService, type RunningService } from './support/service.js';

const NAMESPACES = ['billing', 'search', 'shop'];
const COUNTER = 'energy_ledger_namespace_energy_joules_total';
const PERIOD = 'energy_ledger_namespace_period_energy_watt_hours';
const NODE_COUNTER = 'energy_ledger_node_energy_joules_total';
const NODE_PERIOD = 'energy_ledger_node_period_energy_watt_hours';
const SCRAPES = 10;
/** This month's bases of `ledger-month`, joules. */
const BASE: Record<string, number> = { billing: 3.5e9, search: 1.25e8, shop: 7.75e10 };
/** Newest counters of `ledger-previous` (previous month), joules. */
const LAST: Record<string, number> = { billing: 2.5e9, search: 9.5e7, shop: 6.25e10 };
const GONE = 777_777;

/** Start of the UTC month holding `t` (the default timezone), unix seconds. */
function monthStart(t: number): number {
  const d = new Date(t * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
}

/** OpenMetrics of the published scrapes of both jobs (series grouped, samples in time order). */
function publishedScrapes(now: number): string {
  const series = new Map<string, { type: string; samples: string[] }>();
  const add = (family: string, type: string, labels: string, value: number, t: number): void => {
    const key = `${family}{${labels}}`;
    const s = series.get(key) ?? { type, samples: [] };
    s.samples.push(`${key} ${value} ${t}`);
    series.set(key, s);
  };
  const scrape = (job: string, instance: string, t: number, watermark: number, groups: { ns: string; counter: number; mtdWh?: number }[]): void => {
    const target = `job="${job}",instance="${instance}"`;
    add('energy_ledger_restore_progress_ratio', 'gauge', target, 1, t);
    add('energy_ledger_data_watermark_timestamp_seconds', 'gauge', target, watermark, t);
    for (const g of groups) {
      add(COUNTER, 'counter', `${target},namespace="${g.ns}"`, g.counter, t);
      if (g.mtdWh !== undefined) add(PERIOD, 'gauge', `${target},namespace="${g.ns}",period="month_to_date"`, g.mtdWh, t);
    }
  };
  const first = Math.floor(now) - 40 * 60;
  // An older replica of this month, with other bases: not the newest scrape.
  for (let i = 0; i < SCRAPES; i++) {
    const t = first - 2 * HOUR_SECONDS + 30 * i;
    scrape('ledger-month', 'a-1', t, t - 20, NAMESPACES.map((ns) => ({ ns, counter: 1e6 + i, mtdWh: 1 })));
  }
  for (let i = 0; i < SCRAPES; i++) {
    const t = first + 30 * i;
    const month = NAMESPACES.map((ns, k) => {
      const mtdWh = 10 * (k + 1) + 0.25 * i;
      return { ns, counter: BASE[ns]! + mtdWh * HOUR_SECONDS, mtdWh };
    });
    scrape('ledger-month', 'a-0', t, t - 20, [...month, { ns: 'gone', counter: GONE }]);
    // Published before this month started (its watermark says so), scraped now: the newest counter is the base.
    const previous = NAMESPACES.map((ns) => ({ ns, counter: LAST[ns]! - (SCRAPES - 1 - i) * 1000, mtdWh: 50 + i }));
    scrape('ledger-previous', 'b-0', t, monthStart(now) - 120 + i, previous);
  }
  const lines: string[] = [];
  const families = new Set<string>();
  for (const [key, s] of [...series].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const family = key.slice(0, key.indexOf('{'));
    if (!families.has(family)) lines.push(`# TYPE ${family.replace(/_total$/, '')} ${s.type}`);
    families.add(family);
    lines.push(...s.samples);
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}

const valuesOf = (samples: readonly ExposedSample[], name: string, by: string, period?: string): Map<string, number> =>
  new Map(samples.filter((s) => s.name === name && (period === undefined || s.labels.period === period)).map((s) => [s.labels[by]!, s.value]));

describe('counters continue from the base the replicas published in Prometheus', () => {
  let dir: string;
  let prometheus: RunningBackend;
  let thisMonth: ExposedSample[];
  let previousMonth: ExposedSample[];
  const services: RunningService[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'e2e-counter-base-'));
    const now = Date.now() / 1000;
    const start = hourStart(now) - 3 * HOUR_SECONDS;
    const scenario = generateScenario({ schema: 'v0.10+', seed: 1212, start, durationSeconds: 4 * HOUR_SECONDS, nodes: 2, namespaces: NAMESPACES, podsPerNamespace: 1, churn: 0, scrapeIntervalSeconds: 30 });
    const kepler = path.join(dir, 'kepler.om.txt');
    await writeOpenMetrics(scenario, kepler, { from: start - 1, to: Math.floor(now), metrics: ledgerMetricNames('v0.10+'), match: '{zone=~"package|dram|"}' });
    prometheus = await startPrometheus({ blocksFrom: kepler, storageDir: path.join(dir, 'data') });
    await prometheus.kill('SIGTERM');
    const published = path.join(dir, 'published.om.txt');
    await writeFile(published, publishedScrapes(now));
    await createBlocksFromOpenMetrics(published, prometheus.dataDir, { maxBlockDuration: '72h' });
    await prometheus.restart();
    for (const job of ['ledger-month', 'ledger-previous']) {
      services.push(await startService({ prometheusUrl: prometheus.url, config: { backfill: '2h', rules: { service_selector: `{job="${job}"}` } } }));
    }
    const [month, previous] = await Promise.all(services.map((s) => s.metrics()));
    thisMonth = month!;
    previousMonth = previous!;
  }, 300_000);

  afterAll(async () => {
    for (const s of services) await s.stop();
    await prometheus?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("continues this month's published counters: base (counter − month_to_date × 3600 of one scrape) + its own month to date", () => {
    const counters = valuesOf(thisMonth, COUNTER, 'namespace');
    const mtd = valuesOf(thisMonth, PERIOD, 'namespace', 'month_to_date');
    for (const ns of NAMESPACES) {
      expect(mtd.get(ns), ns).toBeGreaterThan(0);
      const want = BASE[ns]! + mtd.get(ns)! * HOUR_SECONDS;
      expect(Math.abs(counters.get(ns)! - want) / want, `${ns}: ${counters.get(ns)} vs ${want}`).toBeLessThan(1e-9);
    }
  });

  it('keeps a published namespace without energy this month by its counter alone', () => {
    expect(valuesOf(thisMonth, COUNTER, 'namespace').get('gone')).toBe(GONE);
    expect(thisMonth.filter((s) => s.labels.namespace === 'gone' && s.name !== COUNTER)).toEqual([]);
  });

  it('starts from the newest published counter when the replicas published nothing this month', () => {
    const counters = valuesOf(previousMonth, COUNTER, 'namespace');
    const mtd = valuesOf(previousMonth, PERIOD, 'namespace', 'month_to_date');
    for (const ns of NAMESPACES) {
      const want = LAST[ns]! + mtd.get(ns)! * HOUR_SECONDS;
      expect(Math.abs(counters.get(ns)! - want) / want, `${ns}: ${counters.get(ns)} vs ${want}`).toBeLessThan(1e-9);
    }
  });

  it('starts the node counters, never published, from 0: the month to date', () => {
    const counters = valuesOf(thisMonth, NODE_COUNTER, 'node');
    const mtd = valuesOf(thisMonth, NODE_PERIOD, 'node', 'month_to_date');
    expect(counters.size).toBe(2);
    for (const [node, value] of counters) expect(value, node).toBeCloseTo(mtd.get(node)! * HOUR_SECONDS, 6);
  });
});
