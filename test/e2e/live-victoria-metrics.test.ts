import { describe, expect, it } from 'vitest';
import { startVictoriaMetrics } from '../support/victoria-metrics-server.js';
import { LIVE_SECONDS, runLiveCheck } from './live-check.js';

describe('live against VictoriaMetrics', () => {
  it(
    'counts the joules VictoriaMetrics scraped from Kepler v0.10+ and v0.4-v0.9 within 1 % of the ground truth per namespace',
    async () => {
      // VictoriaMetrics makes scraped samples searchable after an in-memory flush (about a second or two).
      const results = await runLiveCheck((scrapeConfigs) => startVictoriaMetrics({ scrapeConfigs }), 5);
      console.info(`live VictoriaMetrics: ${JSON.stringify(results)}`);
      expect(results.map((r) => r.schema)).toEqual(['v0.10+', 'v0.4-v0.9']);
      for (const r of results) expect(r.storedSeconds).toBeGreaterThan(LIVE_SECONDS - 10);
    },
    (LIVE_SECONDS + 90) * 1000,
  );
});
