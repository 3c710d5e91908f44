import { describe, expect, it } from 'vitest';
import type { CommandContext, ReportRequest } from '../../src/cli/context.js';
import { reportRequest } from '../../src/cli/report.js';
import { loadConfig } from '../../src/config/load.js';
import type { HourWeight } from '../../src/core/ledger/index.js';
import type { HourRow } from '../../src/core/types.js';
import { createLogger } from '../../src/log.js';
import { aggregateHours, topGroups } from '../../src/report/aggregate.js';
import { formatReport } from '../../src/report/format.js';
import { buildReport } from '../../src/report/report.js';
import { generateScenario, SimulatedPrometheus } from '../../src/sim/index.js';

const H = 3600;
const utc = (text: string): number => Date.parse(text) / 1000;

/** A weight of `perWh[hour index]` for the hour starting at `hour × H`. */
const byHour = (name: string, perWh: readonly number[]): HourWeight => ({ name, perWattHour: (h) => perWh[h / H] as number, perWattHourOfDay: () => Number.NaN });
const row = (hour: number, ns: string, wh: number): HourRow => ({ hourStart: hour * H, labels: [ns], joules: wh * 3600 });

describe('report rows with carbon and cost', () => {
  it('sums each hour\'s Wh times that hour\'s weight over a period, not the period\'s Wh times a mean weight', () => {
    const grams = [100, 300, 50];
    const rows = aggregateHours([row(0, 'a', 1), row(1, 'a', 2), row(2, 'a', 4), row(1, 'b', 3)], [0, 3 * H], [byHour('carbon_grams', grams)]);
    expect(rows.map((r) => [r.labels[0], r.wattHours, r.weighted])).toEqual([
      ['a', 7, { carbon_grams: 1 * 100 + 2 * 300 + 4 * 50 }],
      ['b', 3, { carbon_grams: 3 * 300 }],
    ]);
  });

  it('sums the carbon and cost of the groups outside --top into other, per period', () => {
    const weights = [byHour('carbon_grams', [10, 20]), byHour('cost', [0.5, 0.25])];
    const hours = [row(0, 'a', 9), row(0, 'b', 1), row(0, 'c', 2), row(1, 'b', 4), row(1, 'c', 8)];
    const rows = topGroups(aggregateHours(hours, [0, H, 2 * H], weights), 1);
    // totals: c 10, a 9, b 5 → keep c; other = a + b
    expect(rows.map((r) => [r.periodStart / H, r.labels[0], r.wattHours, r.weighted])).toEqual([
      [0, 'c', 2, { carbon_grams: 2 * 10, cost: 2 * 0.5 }],
      [0, 'other', 10, { carbon_grams: 9 * 10 + 1 * 10, cost: 9 * 0.5 + 1 * 0.5 }],
      [1, 'c', 8, { carbon_grams: 8 * 20, cost: 8 * 0.25 }],
      [1, 'other', 4, { carbon_grams: 4 * 20, cost: 4 * 0.25 }],
    ]);
  });

  const rows = [{ periodStart: 0, periodEnd: H, labels: ['shop'], wattHours: 1.5, weighted: { carbon_grams: 0.6, cost: 0.000375 } }];

  it('adds carbon_grams, cost and a currency column to csv', () => {
    expect(formatReport(rows, ['namespace'], 'csv', { carbon: true, cost: { currency: 'EUR' } })).toBe(
      'period_start,period_end,namespace,energy_wh,carbon_grams,cost,currency\n1970-01-01T00:00:00Z,1970-01-01T01:00:00Z,shop,1.5,0.6,0.000375,EUR\n',
    );
  });

  it('adds numbers carbon_grams and cost and a currency string to json, XXX without a configured currency', () => {
    expect(JSON.parse(formatReport(rows, ['namespace'], 'json', { carbon: true, cost: {} }))).toEqual([
      { period_start: '1970-01-01T00:00:00Z', period_end: '1970-01-01T01:00:00Z', namespace: 'shop', energy_wh: 1.5, carbon_grams: 0.6, cost: 0.000375, currency: 'XXX' },
    ]);
  });

  it('puts the currency in the cost header of table and markdown and right-aligns every number column', () => {
    expect(formatReport(rows, ['namespace'], 'markdown', { cost: { currency: 'EUR' } })).toBe(
      '| period_start | period_end | namespace | energy_wh | cost_EUR |\n| --- | --- | --- | ---: | ---: |\n| 1970-01-01T00:00:00Z | 1970-01-01T01:00:00Z | shop | 1.5 | 0.000375 |\n',
    );
    expect(formatReport(rows, ['namespace'], 'table', { carbon: true }).split('\n')).toEqual([
      'period_start          period_end            namespace  energy_wh  carbon_grams',
      '--------------------  --------------------  ---------  ---------  ------------',
      '1970-01-01T00:00:00Z  1970-01-01T01:00:00Z  shop             1.5           0.6',
      '',
    ]);
  });

  it('leaves unknown carbon (NaN: no intensity read) empty in csv and null in json', () => {
    const unknown = [{ ...rows[0]!, weighted: { carbon_grams: Number.NaN } }];
    expect(formatReport(unknown, ['namespace'], 'csv', { carbon: true }).split('\n')[1]).toBe('1970-01-01T00:00:00Z,1970-01-01T01:00:00Z,shop,1.5,');
    expect((JSON.parse(formatReport(unknown, ['namespace'], 'json', { carbon: true })) as { carbon_grams: unknown }[])[0]?.carbon_grams).toBeNull();
  });
});

// Paris leaves summer time on 2026-10-25 at 01:00Z: the local hours of the UTC hours shift by one.
const START = utc('2026-10-24T20:00:00Z');
const scenario = generateScenario({ seed: 11, start: START, durationSeconds: 30 * H, nodes: 2, namespaces: 4, churn: 1, scrapeIntervalSeconds: 60 });
const source = new SimulatedPrometheus(scenario);
const SCHEDULE = Array.from({ length: 24 }, (_, h) => 50 + 7 * h);
const PRICES = Array.from({ length: 24 }, (_, h) => (h >= 7 && h < 22 ? 0.3 : 0.15));
const PUE = 1.2;
const plain = loadConfig({ file: { name: 'plain.yaml', text: 'timezone: Europe/Paris\n' } });
const weighted = loadConfig({
  file: {
    name: 'weighted.yaml',
    text: `timezone: Europe/Paris\ncarbon: { schedule_g_per_kwh: [${SCHEDULE.join(', ')}], pue: ${PUE} }\ncost: { schedule_per_kwh: [${PRICES.join(', ')}], currency: EUR }\n`,
  },
});

/** Local hour (0–23) in Paris at the middle of the UTC hour starting at `hourStart`, from Intl. */
function parisHour(hourStart: number): number {
  const text = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', hourCycle: 'h23' }).format(new Date((hourStart + 1800) * 1000));
  return Number(text);
}

interface JsonRow {
  period_start: string;
  period_end: string;
  namespace: string;
  energy_wh: number;
  carbon_grams?: number | null;
  cost?: number;
  currency?: string;
}

async function json(config: typeof plain, flags: Parameters<typeof reportRequest>[0]): Promise<JsonRow[]> {
  const request = reportRequest({ ...flags, format: 'json' }, { now: scenario.end, timezone: config.timezone });
  const context: CommandContext & { request: ReportRequest } = {
    config,
    logger: createLogger({ level: 'silent' }),
    io: { stdout: () => undefined, stderr: () => undefined, env: {}, shutdownSignal: () => new AbortController().signal },
    signal: new AbortController().signal,
    request,
  };
  return JSON.parse(await buildReport({ context, source, now: scenario.end })) as JsonRow[];
}

/** `|got − want|` within 1e-9 of `want`. */
function expectNear(got: number | null | undefined, want: number, what: string): void {
  expect(got, what).toBeTypeOf('number');
  expect(Math.abs(got! - want), `${what}: got ${got}, want ${want}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
}

describe('buildReport with carbon and cost schedules over a simulated Prometheus', () => {
  const from = '2026-10-24T22:00:00Z';
  const to = '2026-10-26T00:00:00Z';

  it('gives each local day the sum over its hours of Wh × the local hour\'s intensity × PUE / 1000, and of Wh × the local hour\'s price / 1000', async () => {
    const hours = await json(plain, { from, to, step: '1h' });
    const days = await json(weighted, { from, to, step: '1d' });
    expect(days.length).toBeGreaterThan(0);
    let differsFromMean = false;
    for (const d of days) {
      const inDay = hours.filter((h) => h.namespace === d.namespace && h.period_start >= d.period_start && h.period_start < d.period_end);
      const local = inDay.map((h) => parisHour(Date.parse(h.period_start) / 1000));
      const grams = inDay.reduce((s, h, i) => s + (h.energy_wh * SCHEDULE[local[i]!]! * PUE) / 1000, 0);
      const cost = inDay.reduce((s, h, i) => s + (h.energy_wh * PRICES[local[i]!]!) / 1000, 0);
      expectNear(d.carbon_grams, grams, `carbon ${d.period_start} ${d.namespace}`);
      expectNear(d.cost, cost, `cost ${d.period_start} ${d.namespace}`);
      expect(d.currency).toBe('EUR');
      const meanIntensity = local.reduce((s, h) => s + SCHEDULE[h]!, 0) / local.length;
      if (Math.abs((d.energy_wh * meanIntensity * PUE) / 1000 - grams) > 1e-6 * grams) differsFromMean = true;
    }
    // The 25-hour local day repeats the local hour 02:00: both UTC hours take the schedule's 02:00 value.
    expect(parisHour(utc('2026-10-25T00:00:00Z'))).toBe(2);
    expect(parisHour(utc('2026-10-25T01:00:00Z'))).toBe(2);
    expect(differsFromMean).toBe(true);
  });

  it('with --top, gives other the sum of the carbon and cost of the namespaces it folds', async () => {
    const all = await json(weighted, { from, to, step: '1d' });
    const top = await json(weighted, { from, to, step: '1d', top: '1' });
    for (const period of new Set(all.map((r) => r.period_start))) {
      const kept = top.find((r) => r.period_start === period && r.namespace !== 'other')!;
      const folded = all.filter((r) => r.period_start === period && r.namespace !== kept.namespace);
      const other = top.find((r) => r.period_start === period && r.namespace === 'other');
      expect(folded.length).toBeGreaterThan(0);
      expectNear(other?.carbon_grams, folded.reduce((s, r) => s + r.carbon_grams!, 0), `other carbon ${period}`);
      expectNear(other?.cost, folded.reduce((s, r) => s + r.cost!, 0), `other cost ${period}`);
    }
  });

  it('leaves carbon_grams null when carbon.intensity_selector matches no sample, and still reports energy and cost', async () => {
    const config = loadConfig({ file: { name: 'selector.yaml', text: 'carbon: { intensity_selector: grid_intensity_carbon_average }\ncost: { price_per_kwh: 0.2 }\n' } });
    const rows = await json(config, { from, to: '2026-10-25T02:00:00Z', step: '1h' });
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.carbon_grams).toBeNull();
      expectNear(r.cost, (r.energy_wh * 0.2) / 1000, `cost ${r.period_start} ${r.namespace}`);
      expect(r.currency).toBe('XXX');
    }
  });

  it('prints exactly the same report as before carbon and cost existed when the config has neither', async () => {
    const request = reportRequest({ from, to: '2026-10-25T00:00:00Z', format: 'csv' }, { now: scenario.end, timezone: 'UTC' });
    const context: CommandContext & { request: ReportRequest } = {
      config: plain,
      logger: createLogger({ level: 'silent' }),
      io: { stdout: () => undefined, stderr: () => undefined, env: {}, shutdownSignal: () => new AbortController().signal },
      signal: new AbortController().signal,
      request,
    };
    const lines = (await buildReport({ context, source, now: scenario.end })).trimEnd().split('\n');
    expect(lines[0]).toBe('period_start,period_end,namespace,energy_wh');
    expect(lines.slice(1).every((l) => l.split(',').length === 4)).toBe(true);
  });
});
