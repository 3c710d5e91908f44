import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyScenario, writeHistory } from '../e2e/support/history.js';
import { startService, type RunningService } from '../e2e/support/service.js';
import type { RunningBackend } from '../support/backend.js';
import { startPrometheus } from '../support/prometheus-server.js';

const H = 3600;
/** The hand-made grid intensity of the clock hour starting at `h` (samples in (h, h + 1 h]): 100 + 10 × UTC hour. */
const intensityOf = (h: number): number => 100 + 10 * ((h / H) % 24);
const hourOf = (t: number): number => (Math.ceil(t / H) - 1) * H;

let dir: string;
let prometheus: RunningBackend;
let service: RunningService;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'intensity-'));
  const history = historyScenario('v0.10+', Date.now() / 1000);
  const file = path.join(dir, 'history.om.txt');
  await writeHistory(history, file);
  // Append a grid-intensity family (one sample a minute, constant within each clock hour) before # EOF.
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace(/# EOF\n?$/, ''));
  const lines = ['# TYPE grid_intensity_carbon_average gauge'];
  for (let t = history.scenario.start; t <= history.dataEnd; t += 60) lines.push(`grid_intensity_carbon_average{region="test"} ${intensityOf(hourOf(t))} ${t}`);
  await appendFile(file, `${lines.join('\n')}\n# EOF\n`);
  prometheus = await startPrometheus({ blocksFrom: file });
  service = await startService({
    prometheusUrl: prometheus.url,
    config: { carbon: { intensity_selector: 'grid_intensity_carbon_average{region="test"}', pue: 1.5 } },
  });
}, 180_000);

afterAll(async () => {
  await service?.stop();
  await prometheus?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('grid intensity read from Prometheus with carbon.intensity_selector', () => {
  it('weights each hour by the mean intensity of that hour read from Prometheus, times PUE', async () => {
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
      expect(grams?.value).toBeCloseTo((s.value / 1000) * intensityOf(previous) * 1.5, 9);
    }
  });
});
