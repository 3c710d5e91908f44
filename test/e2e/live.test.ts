import { describe, expect, it } from 'vitest';
import { startPrometheus } from '../support/prometheus-server.js';
import { startVictoriaMetrics } from '../support/victoria-metrics-server.js';
import { LIVE_SECONDS, runLiveCheck, type LiveResult } from './live-check.js';

function expectBothSchemas(results: readonly LiveResult[]): void {
  expect(results.map((r) => r.schema)).toEqual(['v0.10+', 'v0.4-v0.9']);
  for (const r of results) expect(r.storedSeconds).toBeGreaterThan(LIVE_SECONDS - 10);
}

// The two backends run at the same time: one two-minute wait for both.
describe.concurrent('live: a backend scrapes simulated Kepler every second and serve polls it', () => {
  it(
    'counts the joules Prometheus scraped from Kepler v0.10+ and v0.4-v0.9 within 1 % of the ground truth per namespace',
    async () => {
      const results = await runLiveCheck((scrapeConfigs) => startPrometheus({ scrapeConfigs }), 1);
      console.info(`live Prometheus: ${JSON.stringify(results)}`);
      expectBothSchemas(results);
    },
    (LIVE_SECONDS + 90) * 1000,
  );

  it(
    'counts the joules VictoriaMetrics scraped from Kepler v0.10+ and v0.4-v0.9 within 1 % of the ground truth per namespace',
    async () => {
      // VictoriaMetrics makes scraped samples searchable after an in-memory flush (a second or two).
      const results = await runLiveCheck((scrapeConfigs) => startVictoriaMetrics({ scrapeConfigs }), 5);
      console.info(`live VictoriaMetrics: ${JSON.stringify(results)}`);
      expectBothSchemas(results);
    },
    (LIVE_SECONDS + 90) * 1000,
  );
});
