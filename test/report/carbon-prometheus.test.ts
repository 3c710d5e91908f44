import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportRequest } from '../../src/cli/report.js';
import { loadConfig } from '../../src/config/load.js';
import { hourStart } from '../../src/core/time.js';
import { createLogger } from '../../src/log.js';
import { report } from '../../src/report/report.js';
import { generateScenario } from '../../src/sim/index.js';
import { writeHistory } from '../e2e/support/history.js';
import type { RunningBackend } from '../support/backend.js';
import { startPrometheus } from '../support/prometheus-server.js';

const H = 3600;
const PUE = 1.4;
const FACTOR = 1.05;
const PRICE = 0.25;
const SELECTOR = 'grid_intensity_carbon_average{region=~"a|b"}';
const QUERY = `avg(${SELECTOR}) * ${FACTOR}`;
const hourOf = (t: number): number => (Math.ceil(t / H) - 1) * H;
/** Region a: constant within each clock hour (samples in (h, h + 1 h]), 100 + 10 × UTC hour. */
const regionA = (t: number): number => 100 + 10 * ((hourOf(t) / H) % 24);
/** Hourly mean of region b, 300 − 5 × UTC hour; its samples alternate 20 above and below it minute by minute. */
const meanB = (h: number): number => 300 - 5 * ((h / H) % 24);
const regionB = (t: number): number => meanB(hourOf(t)) + ((t / 60) % 2 === 0 ? 20 : -20);
/** Mean of the selector's samples in the hour starting at `h` (both regions, 60 samples each), from the data written. */
const selectorMean = (h: number): number => (regionA(h + 1) + meanB(h)) / 2;

const now = Date.now() / 1000;
/** The report covers the four complete hours `[FROM, TO)` of the history. */
const TO = hourStart(now) - H;
const FROM = TO - 4 * H;

let dir: string;
let prometheus: RunningBackend;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'report-carbon-'));
  const start = FROM - 2 * H;
  const scenario = generateScenario({ seed: 8, start, durationSeconds: Math.ceil(now - start) + 600, nodes: 2, namespaces: 3, churn: 1, scrapeIntervalSeconds: 30 });
  const file = path.join(dir, 'history.om.txt');
  await writeHistory({ schema: 'v0.10+', scenario, anchor: TO, dataEnd: Math.floor(now) }, file);
  // A grid-intensity family (one sample a minute on whole minutes) before # EOF; region c must not count.
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace(/# EOF\n?$/, ''));
  const lines = ['# TYPE grid_intensity_carbon_average gauge'];
  for (let t = Math.ceil(start / 60) * 60; t <= now; t += 60) {
    lines.push(`grid_intensity_carbon_average{region="a"} ${regionA(t)} ${t}`);
    lines.push(`grid_intensity_carbon_average{region="b"} ${regionB(t)} ${t}`);
    lines.push(`grid_intensity_carbon_average{region="c"} 9999 ${t}`);
  }
  await appendFile(file, `${lines.join('\n')}\n# EOF\n`);
  prometheus = await startPrometheus({ blocksFrom: file });
}, 180_000);

afterAll(async () => {
  await prometheus?.stop();
  await rm(dir, { recursive: true, force: true });
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

/** `|got − want|` within 1e-9 of `want`. */
function expectNear(got: number | null | undefined, want: number, what: string): void {
  expect(got, what).toBeTypeOf('number');
  expect(Math.abs(got! - want), `${what}: got ${got}, want ${want}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
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
