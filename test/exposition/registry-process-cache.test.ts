import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetricsRegistry } from '../../src/exposition/registry.js';
import { ServiceMetrics } from '../../src/exposition/service-metrics.js';
import { snapshotOf } from './snapshots.js';

describe('createMetricsRegistry process metrics reuse', () => {
  afterEach(() => vi.restoreAllMocks());

  it('renders the process metrics at most once per max age and the service metrics once per change', async () => {
    let clock = 0;
    const service = new ServiceMetrics('1');
    const snapshot = snapshotOf([]);
    const metrics = createMetricsRegistry({ snapshot: () => snapshot, version: '1', service, now: () => clock });
    const renders = vi.spyOn(Registry.prototype, 'metrics');

    const first = await metrics.metrics();
    expect(first).toContain('energy_ledger_up 0\n');
    expect(first).toContain('process_cpu_user_seconds_total');
    expect(renders).toHaveBeenCalledTimes(2); // service + process

    service.pollSucceeded(1_700_000_000, 1);
    clock = 999;
    const second = await metrics.metrics();
    expect(second).toContain('energy_ledger_up 1\n');
    expect(renders).toHaveBeenCalledTimes(3); // service only
    expect(second.slice(second.indexOf('# HELP process_'))).toBe(first.slice(first.indexOf('# HELP process_')));

    clock = 1000;
    await metrics.metricsChunks();
    expect(renders).toHaveBeenCalledTimes(4); // process again; service unchanged, so reused
    service.setBackfillComplete(true);
    await metrics.metricsChunks();
    expect(renders).toHaveBeenCalledTimes(5); // service again
  });

  it('shares one process rendering between concurrent scrapes and renders every scrape with a max age of 0', async () => {
    const snapshot = snapshotOf([]);
    const shared = createMetricsRegistry({ snapshot: () => snapshot, version: '1', now: () => 0 });
    const renders = vi.spyOn(Registry.prototype, 'metrics');
    await Promise.all([shared.metrics(), shared.metrics(), shared.metrics()]);
    expect(renders).toHaveBeenCalledTimes(2);

    renders.mockClear();
    const fresh = createMetricsRegistry({ snapshot: () => snapshot, version: '1', now: () => 0, processMetricsMaxAgeMs: 0 });
    await fresh.metrics();
    await fresh.metrics();
    expect(renders).toHaveBeenCalledTimes(3); // service once, process twice
  });

  it('serves process metrics read by their collect callbacks afresh once the max age has passed', async () => {
    let clock = 0;
    const snapshot = snapshotOf([]);
    const metrics = createMetricsRegistry({ snapshot: () => snapshot, version: '1', now: () => clock });
    const cpuSeconds = async (): Promise<number> => {
      const line = (await metrics.metrics()).split('\n').find((l) => l.startsWith('process_cpu_seconds_total '));
      return Number(line?.split(' ')[1]);
    };
    const first = await cpuSeconds();
    const busyUntil = performance.now() + 30;
    while (performance.now() < busyUntil); // 30 ms of CPU
    clock = 999;
    expect(await cpuSeconds()).toBe(first);
    clock = 1000;
    expect(await cpuSeconds()).toBeGreaterThan(first);
  });
});
