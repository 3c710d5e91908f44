import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportRequest } from '../../src/cli/report.js';
import { loadConfig } from '../../src/config/load.js';
import { hourStart } from '../../src/core/time.js';
import { createLogger } from '../../src/log.js';
import { report } from '../../src/report/report.js';
import type { RunningBackend } from '../support/backend.js';
import { expectNear, H, recentHistory, startCarbonPrometheus, threeRegions, twoRegionMean } from '../support/carbon-history.js';

const PUE = 1.4;
const FACTOR = 1.05;
const PRICE = 0.25;
const SELECTOR = 'grid_intensity_carbon_average{region=~"a|b"}';
const QUERY = `avg(${SELECTOR}) * ${FACTOR}`;
/** Mean of the selector's samples in the hour starting at `h` (regions a and b; region c must not count). */
const selectorMean = twoRegionMean;

const now = Date.now() / 1000;
/** The report covers the four complete hours `[FROM, TO)` of the history. */
const TO = hourStart(now) - H;
const FROM = TO - 4 * H;

let prometheus: RunningBackend;

beforeAll(async () => {
  const history = recentHistory({ seed: 8, start: FROM - 2 * H, now, anchor: TO, nodes: 2, namespaces: 3, churn: 1 });
  prometheus = await startCarbonPrometheus(history, threeRegions);
}, 180_000);

afterAll(async () => {
  await prometheus?.stop();
});

interface JsonRow {
  period_start: string;
  namespace: string;
  energy_wh: number;
  carbon_grams?: number | null;
  cost?: number;
  currency?: string;
}

/** `energy-ledger report --format json` in-process against the real Prometheus, with `yaml` as the config. */
async function run(yaml: string, step: string): Promise<JsonRow[]> {
  const config = loadConfig({ file: { name: 'config.yaml', text: `prometheus: { url: "${prometheus.url}" }\n${yaml}` } });
  const request = reportRequest({ from: String(FROM), to: String(TO), step, format: 'json' }, { now, timezone: 'UTC' });
  let out = '';
  await report({
    config,
    logger: createLogger({ level: 'silent' }),
    io: { stdout: (text) => void (out += text), stderr: () => undefined, env: {}, shutdownSignal: () => new AbortController().signal },
    signal: new AbortController().signal,
    request,
  });
  return JSON.parse(out) as JsonRow[];
}

/** Expected carbon per period and namespace: the hourly Wh of a plain report × `intensityOf(hour)` × PUE / 1000, summed over the period's hours. */
async function expectedCarbon(stepSeconds: number, intensityOf: (h: number) => number): Promise<Map<string, number>> {
  const hours = await run('', '1h');
  expect(hours.length).toBeGreaterThan(0);
  expect(hours.some((r) => r.energy_wh > 0)).toBe(true);
  const out = new Map<string, number>();
  for (const r of hours) {
    const h = Date.parse(r.period_start) / 1000;
    const period = FROM + Math.floor((h - FROM) / stepSeconds) * stepSeconds;
    const key = `${period} ${r.namespace}`;
    out.set(key, (out.get(key) ?? 0) + (r.energy_wh * intensityOf(h) * PUE) / 1000);
  }
  return out;
}

describe('report with carbon read from a real Prometheus', () => {
  it('with carbon.intensity_selector, sums each hour\'s Wh × the mean of that hour\'s samples × PUE over 2-hour steps', async () => {
    const rows = await run(`carbon: { intensity_selector: '${SELECTOR}', pue: ${PUE} }\ncost: { price_per_kwh: ${PRICE}, currency: EUR }\n`, '2h');
    const expected = await expectedCarbon(2 * H, selectorMean);
    expect(rows).toHaveLength(expected.size);
    for (const r of rows) {
      expectNear(r.carbon_grams, expected.get(`${Date.parse(r.period_start) / 1000} ${r.namespace}`)!, `carbon ${r.period_start} ${r.namespace}`);
      expectNear(r.cost, (r.energy_wh * PRICE) / 1000, `cost ${r.period_start} ${r.namespace}`);
      expect(r.currency).toBe('EUR');
    }
    // The two hours of a step differ in intensity: one mean intensity per step would not match.
    expect(selectorMean(FROM)).not.toBe(selectorMean(FROM + H));
  }, 60_000);

  it('with carbon.intensity_query, sums each hour\'s Wh × the mean of the expression\'s evaluations in that hour × PUE over the whole report', async () => {
    const rows = await run(`carbon: { intensity_query: '${QUERY}', pue: ${PUE} }\n`, '4h');
    const expected = await expectedCarbon(4 * H, (h) => selectorMean(h) * FACTOR);
    expect(rows).toHaveLength(expected.size);
    for (const r of rows) {
      expectNear(r.carbon_grams, expected.get(`${Date.parse(r.period_start) / 1000} ${r.namespace}`)!, `carbon ${r.period_start} ${r.namespace}`);
      expect(r).not.toHaveProperty('cost');
    }
  }, 60_000);

  it('fails with the query and Prometheus\'s reason when the intensity query is rejected', async () => {
    await expect(run(`carbon: { intensity_query: 'avg(${SELECTOR}' }\n`, '1h')).rejects.toThrow(/^failed to read the grid carbon intensity \(query avg\(grid_intensity_carbon_average.*bad_data/);
  }, 60_000);
});
