import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyScenario, writeHistory } from '../e2e/support/history.js';
import { startService, type RunningService } from '../e2e/support/service.js';
import type { RunningBackend } from '../support/backend.js';
import { startPrometheus } from '../support/prometheus-server.js';

const H = 3600;
const DAY = 24 * H;
const PUE = 1.5;
const FACTOR = 1.05;
const QUERY = `avg(grid_intensity_carbon_average{region=~"a|b"}) * ${FACTOR}`;
const BAD_QUERY = 'avg(grid_intensity_carbon_average{region=~"a|b"}';
const hourOf = (t: number): number => (Math.ceil(t / H) - 1) * H;
/** Region a: constant within each clock hour (samples in (h, h + 1 h]), 100 + 10 × UTC hour. */
const regionA = (t: number): number => 100 + 10 * ((hourOf(t) / H) % 24);
/** Hourly mean of region b, 300 − 5 × UTC hour; its samples alternate 20 above and below it minute by minute. */
const meanB = (h: number): number => 300 - 5 * ((h / H) % 24);
const regionB = (t: number): number => meanB(hourOf(t)) + ((t / 60) % 2 === 0 ? 20 : -20);
/** The expression's mean over the hour starting at `h`, worked out from the data written: the mean of a and b, times the factor. */
const expressionOf = (h: number): number => ((regionA(h + 1) + meanB(h)) / 2) * FACTOR;

let dir: string;
let prometheus: RunningBackend;
let service: RunningService;
let broken: RunningService;
const brokenLog: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'intensity-query-'));
  const history = historyScenario('v0.10+', Date.now() / 1000);
  const file = path.join(dir, 'history.om.txt');
  await writeHistory(history, file);
  // Append a grid-intensity family (one sample a minute on whole minutes) before # EOF; region c must not count.
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace(/# EOF\n?$/, ''));
  const lines = ['# TYPE grid_intensity_carbon_average gauge'];
  const first = Math.ceil(history.scenario.start / 60) * 60;
  for (let t = first; t <= history.dataEnd; t += 60) {
    lines.push(`grid_intensity_carbon_average{region="a"} ${regionA(t)} ${t}`);
    lines.push(`grid_intensity_carbon_average{region="b"} ${regionB(t)} ${t}`);
    lines.push(`grid_intensity_carbon_average{region="c"} 9999 ${t}`);
  }
  await appendFile(file, `${lines.join('\n')}\n# EOF\n`);
  prometheus = await startPrometheus({ blocksFrom: file });
  [service, broken] = await Promise.all([
    startService({ prometheusUrl: prometheus.url, config: { carbon: { intensity_query: QUERY, pue: PUE } } }),
    startService({
      prometheusUrl: prometheus.url,
      config: { carbon: { intensity_query: BAD_QUERY, pue: PUE } },
      logDestination: { write: (line: string) => void brokenLog.push(line) },
    }),
  ]);
}, 180_000);

afterAll(async () => {
  await service?.stop();
  await broken?.stop();
  await prometheus?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** `|got − want|` within 1e-9 of `want`. */
function expectNear(got: number | undefined, want: number, what: string): void {
  expect(got, what).toBeDefined();
  expect(Math.abs(got! - want), `${what}: got ${got}, want ${want}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
}

describe('grid intensity from a PromQL expression with carbon.intensity_query', () => {
  it('weights the previous hour by the mean of the expression over that hour (two regions averaged, times a factor), times PUE', async () => {
    const samples = await service.metrics();
    const wm = samples.find((s) => s.name === 'energy_ledger_data_watermark_timestamp_seconds')!.value;
    const previous = hourOf(wm) - H;
    const wh = samples.filter((s) => s.name === 'energy_ledger_namespace_period_energy_watt_hours' && s.labels.period === 'previous_hour');
    expect(wh.length).toBeGreaterThan(0);
    for (const s of wh) {
      const grams = samples.find(
        (c) => c.name === 'energy_ledger_namespace_period_carbon_grams' && c.labels.period === 'previous_hour' && c.labels.namespace === s.labels.namespace,
      );
      expect(s.value).toBeGreaterThan(0);
      expectNear(grams?.value, (s.value / 1000) * expressionOf(previous) * PUE, `previous_hour ${s.labels.namespace}`);
    }
  });

  it('gives yesterday the sum over its hours of each hour\'s watt-hours times that hour\'s expression value times PUE', async () => {
    const samples = await service.metrics();
    const wm = samples.find((s) => s.name === 'energy_ledger_data_watermark_timestamp_seconds')!.value;
    const today = Math.floor(wm / DAY) * DAY;
    const expected = new Map<string, number>();
    const hours = new Set<number>();
    for (const row of await service.hours()) {
      if (row.start_unix < today - DAY || row.start_unix >= today) continue;
      const ns = row.labels.namespace!;
      hours.add(row.start_unix);
      expected.set(ns, (expected.get(ns) ?? 0) + (row.watt_hours / 1000) * expressionOf(row.start_unix) * PUE);
    }
    expect(expected.size).toBeGreaterThan(0);
    for (const [ns, want] of expected) {
      const grams = samples.find((c) => c.name === 'energy_ledger_namespace_period_carbon_grams' && c.labels.period === 'previous_day' && c.labels.namespace === ns);
      expectNear(grams?.value, want, `previous_day ${ns} over ${hours.size} hours`);
    }
    // The hours differ in intensity, so a single intensity for the whole day would not match.
    expect(new Set([...hours].map(expressionOf)).size).toBe(hours.size);
  });

  it('logs and counts a query Prometheus rejects (HTTP 400 bad_data, reason http_4xx), and accounts the same energy', async () => {
    const [good, bad] = await Promise.all([service.metrics(), broken.metrics()]);
    const errors = bad.find((s) => s.name === 'energy_ledger_carbon_intensity_errors_total' && s.labels.reason === 'http_4xx');
    expect(errors?.value).toBeGreaterThanOrEqual(1);
    expect(good.find((s) => s.name === 'energy_ledger_carbon_intensity_errors_total' && s.labels.reason === 'http_4xx')?.value).toBe(0);
    const failures = brokenLog.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'failed to read the grid carbon intensity');
    expect(failures.length).toBeGreaterThanOrEqual(1);
    expect(failures[0]).toMatchObject({ level: 'warn', query: BAD_QUERY });
    expect(failures[0]!.err).toContain('bad_data');
    const energy = (m: typeof good) =>
      m
        .filter((s) => s.name === 'energy_ledger_namespace_period_energy_watt_hours' && s.labels.period === 'previous_hour')
        .map((s) => [s.labels.namespace, s.value])
        .sort();
    expect(energy(bad).length).toBeGreaterThan(0);
    expect(energy(bad)).toEqual(energy(good));
  });
});
