import { describe, expect, it } from 'vitest';
import { startPrometheus } from '../support/prometheus-server.js';
import { LIVE_SECONDS, runLiveCheck } from './live-check.js';

describe('live against Prometheus', () => {
  it(
    'counts the joules Prometheus scraped from Kepler v0.10+ and v0.4-v0.9 within 1 % of the ground truth per namespace',
    async () => {
      const results = await runLiveCheck((scrapeConfigs) => startPrometheus({ scrapeConfigs }), 1);
      console.info(`live Prometheus: ${JSON.stringify(results)}`);
      expect(results.map((r) => r.schema)).toEqual(['v0.10+', 'v0.4-v0.9']);
      for (const r of results) expect(r.storedSeconds).toBeGreaterThan(LIVE_SECONDS - 10);
    },
    (LIVE_SECONDS + 90) * 1000,
  );
});
