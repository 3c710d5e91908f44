import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hourStart } from '../../src/core/time.js';
import { generateScenario } from '../../src/sim/index.js';
import { writeHistory } from '../e2e/support/history.js';
import { startService, type RunningService } from '../e2e/support/service.js';
import type { RunningBackend } from '../support/backend.js';
import { startPrometheus } from '../support/prometheus-server.js';

const H = 3600;
const INTENSITY = 180;
const PUE = 1.25;

let dir: string;
let prometheus: RunningBackend;
let unknown: RunningService;
let known: RunningService;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'carbon-unknown-'));
  const now = Date.now() / 1000;
  const start = hourStart(now) - 2 * H;
  const scenario = generateScenario({ seed: 3, start, durationSeconds: Math.ceil(now - start) + 600, nodes: 1, namespaces: 2, churn: 0, scrapeIntervalSeconds: 30 });
  const file = path.join(dir, 'history.om.txt');
  await writeHistory({ schema: 'v0.10+', scenario, anchor: hourStart(now), dataEnd: Math.floor(now) }, file);
  // A grid-intensity series for region a only, one sample a minute.
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace(/# EOF\n?$/, ''));
  const lines = ['# TYPE grid_intensity_carbon_average gauge'];
  for (let t = Math.ceil(start / 60) * 60; t <= now; t += 60) lines.push(`grid_intensity_carbon_average{region="a"} ${INTENSITY} ${t}`);
  await appendFile(file, `${lines.join('\n')}\n# EOF\n`);
  prometheus = await startPrometheus({ blocksFrom: file });
  const config = (region: string) => ({ backfill: '3h', carbon: { intensity_selector: `grid_intensity_carbon_average{region="${region}"}`, pue: PUE }, cost: { price_per_kwh: 0.2, currency: 'EUR' } });
  [unknown, known] = await Promise.all([startService({ prometheusUrl: prometheus.url, config: config('nowhere') }), startService({ prometheusUrl: prometheus.url, config: config('a') })]);
}, 180_000);

afterAll(async () => {
  await unknown?.stop();
  await known?.stop();
  await prometheus?.stop();
  await rm(dir, { recursive: true, force: true });
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
    for (const s of wh) expect(cost.find((c) => c.labels.namespace === s.labels.namespace && c.labels.window === s.labels.window)?.value).toBeCloseTo((s.value * 0.2) / 1000, 9);

    const withIntensity = await known.metrics();
    const knownWh = withIntensity.filter((s) => s.name === 'energy_ledger_namespace_period_energy_watt_hours' && s.labels.period === 'previous_hour');
    expect(knownWh.length).toBeGreaterThan(0);
    for (const s of knownWh) {
      const grams = withIntensity.find((c) => c.name === 'energy_ledger_namespace_period_carbon_grams' && c.labels.period === 'previous_hour' && c.labels.namespace === s.labels.namespace);
      expect(grams?.value).toBeCloseTo((s.value * INTENSITY * PUE) / 1000, 9);
    }
  }, 60_000);
});
