import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyScenario } from '../e2e/support/history.js';
import { startService, type RunningService } from '../e2e/support/service.js';
import type { RunningBackend } from '../support/backend.js';
import { expectNear, expectPreviousHourCarbon, H, startCarbonPrometheus, threeRegions, twoRegionMean } from '../support/carbon-history.js';

const DAY = 24 * H;
const PUE = 1.5;
const FACTOR = 1.05;
const QUERY = `avg(grid_intensity_carbon_average{region=~"a|b"}) * ${FACTOR}`;
const BAD_QUERY = 'avg(grid_intensity_carbon_average{region=~"a|b"}';
/** The expression's mean over the hour starting at `h`: the mean of regions a and b, times the factor (region c must not count). */
const expressionOf = (h: number): number => twoRegionMean(h) * FACTOR;

let prometheus: RunningBackend;
let service: RunningService;
let broken: RunningService;
const brokenLog: string[] = [];

beforeAll(async () => {
  prometheus = await startCarbonPrometheus(historyScenario('v0.10+', Date.now() / 1000), threeRegions);
  [service, broken] = await Promise.all([
    // Backfill 30h: every hour of the history is in /api/v1/hours, which the expected previous_day is summed from.
    startService({ prometheusUrl: prometheus.url, config: { backfill: '30h', carbon: { intensity_query: QUERY, pue: PUE } } }),
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
});

describe('grid intensity from a PromQL expression with carbon.intensity_query', () => {
  it('weights the previous hour by the mean of the expression over that hour (two regions averaged, times a factor), times PUE', async () => {
    expectPreviousHourCarbon(await service.metrics(), expressionOf, PUE);
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
