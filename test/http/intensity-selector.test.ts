import { afterAll, beforeAll, describe, it } from 'vitest';
import { historyScenario } from '../e2e/support/history.js';
import { startService, type RunningService } from '../e2e/support/service.js';
import type { RunningBackend } from '../support/backend.js';
import { expectPreviousHourCarbon, regionA, startCarbonPrometheus } from '../support/carbon-history.js';

let prometheus: RunningBackend;
let service: RunningService;

beforeAll(async () => {
  // Region "test" is constant within each clock hour: 100 + 10 × UTC hour.
  prometheus = await startCarbonPrometheus(historyScenario('v0.10+', Date.now() / 1000), (t) => [['test', regionA(t)]]);
  service = await startService({
    prometheusUrl: prometheus.url,
    config: { carbon: { intensity_selector: 'grid_intensity_carbon_average{region="test"}', pue: 1.5 } },
  });
}, 180_000);

afterAll(async () => {
  await service?.stop();
  await prometheus?.stop();
});

describe('grid intensity read from Prometheus with carbon.intensity_selector', () => {
  it('weights each hour by the mean intensity of that hour read from Prometheus, times PUE', async () => {
    // regionA(h + 1) is the value of every sample in the hour starting at h.
    expectPreviousHourCarbon(await service.metrics(), (h) => regionA(h + 1), 1.5);
  });
});
