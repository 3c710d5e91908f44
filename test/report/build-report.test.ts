import { describe, expect, it } from 'vitest';
import type { CommandContext, ReportRequest } from '../../src/cli/context.js';
import { reportRequest } from '../../src/cli/report.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { buildReport } from '../../src/report/report.js';
import { generateScenario, SimulatedPrometheus, truth } from '../../src/sim/index.js';

const H = 3600;
const utc = (text: string): number => Date.parse(text) / 1000;
// Paris leaves summer time on 2026-10-25: that local day is 25 hours long (22:00Z to 23:00Z next day).
const START = utc('2026-10-24T20:00:00Z');
const scenario = generateScenario({ seed: 5, start: START, durationSeconds: 52 * H, nodes: 2, namespaces: 6, churn: 2, scrapeIntervalSeconds: 30 });
const source = new SimulatedPrometheus(scenario);
const config = loadConfig({ file: { name: 'test.yaml', text: 'timezone: Europe/Paris\n' } });

function context(request: ReportRequest): CommandContext & { request: ReportRequest } {
  return {
    config,
    logger: createLogger({ level: 'silent' }),
    io: { stdout: () => undefined, stderr: () => undefined, env: {}, shutdownSignal: () => new AbortController().signal },
    signal: new AbortController().signal,
    request,
  };
}

interface JsonRow {
  period_start: string;
  period_end: string;
  namespace: string;
  energy_wh: number;
}

async function json(flags: Parameters<typeof reportRequest>[0]): Promise<JsonRow[]> {
  const request = reportRequest({ ...flags, format: 'json' }, { now: scenario.end, timezone: config.timezone });
  return JSON.parse(await buildReport({ context: context(request), source, now: scenario.end })) as JsonRow[];
}

const sum = (rows: readonly JsonRow[]): number => rows.reduce((s, r) => s + r.energy_wh, 0);

describe('buildReport over a simulated Prometheus', () => {
  it('splits --step 1d into local days of the config timezone, a 25-hour day included, each the sum of its hours', async () => {
    const from = '2026-10-24T22:00:00Z';
    const to = '2026-10-26T23:00:00Z';
    const days = await json({ from, to, step: '1d' });
    const hours = await json({ from, to, step: '1h' });
    expect([...new Set(days.map((r) => `${r.period_start} ${r.period_end}`))]).toEqual([
      '2026-10-24T22:00:00Z 2026-10-25T23:00:00Z',
      '2026-10-25T23:00:00Z 2026-10-26T23:00:00Z',
    ]);
    for (const d of days) {
      const inDay = hours.filter((h) => h.namespace === d.namespace && h.period_start >= d.period_start && h.period_start < d.period_end);
      expect(inDay.length).toBe(d.period_start.startsWith('2026-10-24') ? 25 : 24);
      expect(d.energy_wh).toBeCloseTo(sum(inDay), 6);
    }
    const t = truth(scenario, { from: utc(from), to: utc(to) }).namespaces;
    const truthWh = t.reduce((s, r) => s + r.joules, 0) / 3600;
    expect(Math.abs(sum(days) / truthWh - 1)).toBeLessThan(0.002);
  });

  it('reports --period yesterday in the zone given by --timezone, and --top keeps the total', async () => {
    // scenario.end is 2026-10-27T00:00Z: 09:00 in Tokyo on the 27th, so yesterday is the 26th, Tokyo time.
    const all = await json({ period: 'yesterday', timezone: 'Asia/Tokyo' });
    expect(all[0]?.period_start).toBe('2026-10-25T15:00:00Z');
    expect(all.at(-1)?.period_end).toBe('2026-10-26T15:00:00Z');
    const top = await json({ period: 'yesterday', timezone: 'Asia/Tokyo', step: '1d', top: '2' });
    expect(top.map((r) => r.namespace).at(-1)).toBe('other');
    expect(top).toHaveLength(3);
    expect(sum(top)).toBeCloseTo(sum(all), 6);
    const byNamespace = new Map<string, number>();
    for (const r of all) byNamespace.set(r.namespace, (byNamespace.get(r.namespace) ?? 0) + r.energy_wh);
    const largest = [...byNamespace.values()].sort((a, b) => b - a);
    expect(top[0]?.energy_wh).toBeCloseTo(largest[0] as number, 6);
    expect(top[1]?.energy_wh).toBeCloseTo(largest[1] as number, 6);
  });
});

describe('reportRequest periods', () => {
  const now = utc('2026-11-27T10:20:00Z');
  it.each([
    ['today', 'UTC', '2026-11-27T00:00:00Z', '2026-11-27T11:00:00Z'],
    ['yesterday', 'Europe/Paris', '2026-11-25T23:00:00Z', '2026-11-26T23:00:00Z'],
    ['yesterday', 'Asia/Kolkata', '2026-11-25T18:00:00Z', '2026-11-26T18:00:00Z'],
    ['this-month', 'America/New_York', '2026-11-01T04:00:00Z', '2026-11-27T11:00:00Z'],
    ['last-month', 'America/New_York', '2026-10-01T04:00:00Z', '2026-11-01T04:00:00Z'],
  ])('resolves %s in %s to [%s, %s)', (period, timezone, from, to) => {
    const r = reportRequest({ period, timezone }, { now, timezone: 'UTC' });
    expect([r.from, r.to]).toEqual([utc(from), utc(to)]);
  });

  it('defaults months to daily steps and marks 1d steps as calendar days', () => {
    expect(reportRequest({ period: 'last-month' }, { now, timezone: 'UTC' })).toMatchObject({ stepSeconds: 86_400, days: true });
    expect(reportRequest({ period: 'today' }, { now, timezone: 'UTC' })).toMatchObject({ stepSeconds: 3600 });
  });

  it.each([
    [{ period: 'today', from: '0' }, '--period cannot be combined with --from or --to'],
    [{ period: 'tomorrow' }, '--period must be one of today, yesterday, this-month, last-month; got "tomorrow"'],
    [{ period: 'today', timezone: 'Mars/Olympus' }, '--timezone: "Mars/Olympus" is not a known time zone (use an IANA name such as UTC or Europe/Paris)'],
    [{ period: 'today', top: '0' }, '--top must be a whole number, at least 1; got "0"'],
    [{ period: 'today', format: 'html' }, '--format must be one of table, csv, json, markdown; got "html"'],
  ])('rejects %j: %s', (flags, message) => {
    expect(() => reportRequest(flags, { now, timezone: 'UTC' })).toThrow(message);
  });
});
