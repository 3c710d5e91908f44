import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hourStart } from '../../src/core/time.js';
import { startService, type RunningService } from '../e2e/support/service.js';
import type { RunningBackend } from '../support/backend.js';
import { expectNear, expectPreviousHourCarbon, H, recentHistory, startCarbonPrometheus } from '../support/carbon-history.js';

const INTENSITY = 180;
const PUE = 1.25;

let prometheus: RunningBackend;
let unknown: RunningService;
let known: RunningService;

beforeAll(async () => {
  const now = Date.now() / 1000;
  const history = recentHistory({ seed: 3, start: hourStart(now) - 2 * H, now, anchor: hourStart(now), nodes: 1, namespaces: 2, churn: 0 });
  // A grid-intensity series for region a only.
  prometheus = await startCarbonPrometheus(history, () => [['a', INTENSITY]]);
  const config = (region: string) => ({ backfill: '3h', carbon: { intensity_selector: `grid_intensity_carbon_average{region="${region}"}`, pue: PUE }, cost: { price_per_kwh: 0.2, currency: 'EUR' } });
  [unknown, known] = await Promise.all([startService({ prometheusUrl: prometheus.url, config: config('nowhere') }), startService({ prometheusUrl: prometheus.url, config: config('a') })]);
}, 180_000);

afterAll(async () => {
  await unknown?.stop();
  await known?.stop();
  await prometheus?.stop();
});

describe('carbon on /metrics when carbon.intensity_selector has never read an intensity', () => {
  it('exposes no carbon family at all (no NaN gauge) but the energy and the cost, while a service reading an intensity exposes carbon', async () => {
    const text = await unknown.get('/metrics');
    expect(text).not.toMatch(/\bNaN\b/);
    expect(text).not.toContain('carbon_grams');
    const samples = await unknown.metrics();
    const wh = samples.filter((s) => s.name === 'energy_ledger_namespace_energy_watt_hours');
    expect(wh.some((s) => s.value > 0)).toBe(true);
    const cost = samples.filter((s) => s.name === 'energy_ledger_namespace_cost');
    expect(cost).toHaveLength(wh.length);
    for (const s of wh) expectNear(cost.find((c) => c.labels.namespace === s.labels.namespace && c.labels.window === s.labels.window)?.value, (s.value * 0.2) / 1000, `cost ${s.labels.namespace} ${s.labels.window}`);

    expectPreviousHourCarbon(await known.metrics(), () => INTENSITY, PUE);
  }, 60_000);
});
