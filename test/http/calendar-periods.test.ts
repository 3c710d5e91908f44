import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { runService } from '../../src/service/run-service.js';
import { generateScenario, SimulatedPrometheus } from '../../src/sim/index.js';
import { waitFor } from '../support/wait-for.js';

const H = 3600;
const utc = (text: string): number => Date.parse(text) / 1000;
// 15:00 on 2 November in Tokyo (UTC+9); the data starts 28 h before, at 11:00 on 1 November, Tokyo time.
const NOW = utc('2026-11-02T06:00:00Z');
const TOKYO_NOV_2 = utc('2026-11-01T15:00:00Z');
const scenario = generateScenario({ seed: 3, start: NOW - 28 * H, durationSeconds: 28 * H, nodes: 2, namespaces: 4, churn: 1, scrapeIntervalSeconds: 30 });

/** g/kWh for Tokyo's local hours 0–23: 100, 110, …, 330. */
const SCHEDULE = Array.from({ length: 24 }, (_, h) => 100 + 10 * h);
/** Tokyo has no DST: local hour = UTC hour + 9. */
const tokyoHour = (hourStart: number): number => (new Date(hourStart * 1000).getUTCHours() + 9) % 24;

interface NamespaceJson {
  labels: { namespace: string };
  periods_wh: Record<string, number>;
}
interface HourJson {
  start_unix: number;
  labels: { namespace: string };
  watt_hours: number;
}

let url = '';
const controller = new AbortController();
let running: Promise<void> | undefined;

beforeAll(async () => {
  const config = loadConfig({
    file: {
      name: 't.yaml',
      text: stringify({
        listen: '127.0.0.1:0',
        timezone: 'Asia/Tokyo',
        log_level: 'silent',
        // Reads all 28 h of data before ready, so /api/v1/hours holds every hour the periods are made of.
        backfill: '30h',
        carbon: { schedule_g_per_kwh: SCHEDULE, pue: 1.25 },
        cost: { price_per_kwh: 0.3, currency: 'JPY' },
        budgets: { 'ns-a': { daily_wh: 1500 } },
      }),
    },
  });
  running = runService(
    {
      config,
      logger: createLogger({ level: 'silent' }),
      source: new SimulatedPrometheus(scenario, { now: () => NOW }),
      version: 'test',
      now: () => NOW,
      onListening: (l) => (url = l.url),
    },
    controller.signal,
  );
  // Ready, and the restore of the hours before the backfill published (the period series are then there).
  await waitFor(async () => url !== '' && (await fetch(`${url}/readyz`)).status === 200 && (await (await fetch(`${url}/metrics`)).text()).includes('\nenergy_ledger_restore_progress_ratio 1\n'), 60_000, 50);
}, 90_000);

afterAll(async () => {
  controller.abort();
  await running;
});

const get = async <T>(path: string): Promise<T> => (await (await fetch(`${url}${path}`)).json()) as T;

describe('calendar periods of a running service in the configured timezone', () => {
  it('serves current_day, previous_day and month_to_date as sums of the hours of Tokyo days, in JSON and on /metrics', async () => {
    const { namespaces } = await get<{ namespaces: NamespaceJson[] }>('/api/v1/namespaces');
    const { hours } = await get<{ hours: HourJson[] }>(`/api/v1/hours?from=${NOW - 30 * H}&to=${NOW + H}`);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(namespaces.length).toBeGreaterThan(0);
    for (const ns of namespaces) {
      const mine = hours.filter((h) => h.labels.namespace === ns.labels.namespace);
      const sum = (rows: HourJson[]): number => rows.reduce((s, h) => s + h.watt_hours, 0);
      const today = sum(mine.filter((h) => h.start_unix >= TOKYO_NOV_2));
      const yesterday = sum(mine.filter((h) => h.start_unix < TOKYO_NOV_2));
      expect(today).toBeGreaterThan(0);
      expect(ns.periods_wh.current_day).toBeCloseTo(today, 9);
      expect(ns.periods_wh.previous_day).toBeCloseTo(yesterday, 9);
      // The month began before the data: month_to_date is all of it.
      expect(ns.periods_wh.month_to_date).toBeCloseTo(today + yesterday, 9);
      for (const period of ['current_day', 'previous_day', 'month_to_date']) {
        const line = `energy_ledger_namespace_period_energy_watt_hours{namespace="${ns.labels.namespace}",period="${period}"} `;
        const exposed = metrics.split('\n').find((l) => l.startsWith(line));
        expect(Number(exposed?.slice(line.length))).toBeCloseTo(ns.periods_wh[period]!, 9);
      }
    }
  });

  it('exposes the configured budget beside the periods', async () => {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('\nenergy_ledger_namespace_budget_watt_hours{namespace="ns-a",period="day"} 1500\n');
  });

  it('integrates carbon hour by hour (each hour at its local-hour intensity, times PUE) and cost at a flat price', async () => {
    const { hours } = await get<{ hours: HourJson[] }>(`/api/v1/hours?from=${NOW - 30 * H}&to=${NOW + H}`);
    const metrics = (await (await fetch(`${url}/metrics`)).text()).split('\n');
    const value = (prefix: string): number => Number(metrics.find((l) => l.startsWith(prefix))?.slice(prefix.length));
    const namespaces = [...new Set(hours.map((h) => h.labels.namespace))];
    expect(namespaces.length).toBeGreaterThan(0);
    for (const ns of namespaces) {
      const mine = hours.filter((h) => h.labels.namespace === ns);
      const today = mine.filter((h) => h.start_unix >= TOKYO_NOV_2);
      const grams = today.reduce((s, h) => s + (h.watt_hours / 1000) * SCHEDULE[tokyoHour(h.start_unix)]! * 1.25, 0);
      const wh = today.reduce((s, h) => s + h.watt_hours, 0);
      expect(grams).toBeGreaterThan(0);
      expect(value(`energy_ledger_namespace_period_carbon_grams{namespace="${ns}",period="current_day"} `)).toBeCloseTo(grams, 6);
      expect(value(`energy_ledger_namespace_period_cost{namespace="${ns}",currency="JPY",period="current_day"} `)).toBeCloseTo((wh / 1000) * 0.3, 9);
      // The 1h window ends at the watermark (just before 06:00Z): the 05:00Z hour (14:00 Tokyo, 240 g/kWh)
      // up to the watermark, and the rest of the window in the 04:00Z hour (13:00 Tokyo, 230 g/kWh).
      const lastHour = mine.find((h) => h.start_unix === NOW - H)!.watt_hours;
      const windowWh = value(`energy_ledger_namespace_energy_watt_hours{namespace="${ns}",window="1h"} `);
      expect(windowWh).toBeGreaterThanOrEqual(lastHour - 1e-9);
      const expected = ((lastHour * 240 + (windowWh - lastHour) * 230) / 1000) * 1.25;
      expect(value(`energy_ledger_namespace_carbon_grams{namespace="${ns}",window="1h"} `)).toBeCloseTo(expected, 6);
    }
  });
});
