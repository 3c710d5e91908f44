import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { runService } from '../../src/service/run-service.js';
import { generateScenario, SimulatedPrometheus } from '../../src/sim/index.js';
import type { RangeRequest, SampleSource } from '../../src/read/sample-source.js';
import { waitFor } from '../support/wait-for.js';

const H = 3600;
const NOW = Date.parse('2026-11-02T06:00:00Z') / 1000;
const SELECTOR = 'grid_intensity_carbon_average{region="FR"}';

/** The simulated cluster, with intensity reads answered by hand: the first at once, later ones when released. */
class SlowIntensitySource implements SampleSource {
  readonly started: number[] = [];
  private release: (() => void)[] = [];
  constructor(private readonly kepler: SampleSource) {}

  async fetchRange(request: RangeRequest, signal?: AbortSignal) {
    if (request.selector !== SELECTOR) return this.kepler.fetchRange(request, signal);
    this.started.push(performance.now());
    if (this.started.length > 1) await new Promise<void>((resolve) => this.release.push(resolve));
    return [{ labels: {}, timestamps: [request.end], values: [300] }];
  }

  presentMetricNames(names: readonly string[], signal?: AbortSignal) {
    return this.kepler.presentMetricNames(names, signal);
  }

  releaseAll(): void {
    for (const resolve of this.release.splice(0)) resolve();
  }
}

describe('grid intensity refreshes of a running service', () => {
  it('never start a read while the previous one is still in flight, and go on once it is done', async () => {
    const scenario = generateScenario({ seed: 5, start: NOW - 3 * H, durationSeconds: 3 * H, nodes: 1, namespaces: 2, churn: 0, scrapeIntervalSeconds: 30 });
    const config = loadConfig({
      file: {
        name: 't.yaml',
        text: stringify({ listen: '127.0.0.1:0', interval: '100ms', backfill: '1h', log_level: 'silent', carbon: { intensity_selector: SELECTOR } }),
      },
    });
    const source = new SlowIntensitySource(new SimulatedPrometheus(scenario, { now: () => NOW }));
    const controller = new AbortController();
    // The refresh interval, driven by hand: `tick()` is one interval elapsing.
    const ticks: (() => void)[] = [];
    let stopped = false;
    const repeat = (everyMs: number, tick: () => void) => {
      expect(everyMs).toBe(100);
      ticks.push(tick);
      return () => void (stopped = true);
    };
    const tick = () => ticks.forEach((t) => t());
    const running = runService({ config, logger: createLogger({ level: 'silent' }), source, version: 'test', now: () => NOW, repeat }, controller.signal);
    try {
      await waitFor(() => ticks.length === 1, 10_000, 10); // the first read is done and the interval set
      expect(source.started).toHaveLength(1);
      tick();
      await waitFor(() => source.started.length === 2, 10_000, 10);
      // Ten intervals with the second read held: no third read starts meanwhile.
      for (let i = 0; i < 10; i++) tick();
      await new Promise(setImmediate); // what the ticks started has reached the source
      expect(source.started).toHaveLength(2);
      source.releaseAll();
      // Once the held read is done, the next interval starts a read again.
      await waitFor(() => {
        tick();
        return source.started.length === 3;
      }, 10_000, 10);
    } finally {
      controller.abort();
      await running;
      source.releaseAll();
    }
    expect(stopped).toBe(true);
  }, 30_000);
});
