import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { POLL_ERROR_REASONS } from '../../src/exposition/names.js';
import { createMetricsRegistry } from '../../src/exposition/registry.js';
import { createRenderCache } from '../../src/exposition/render-cache.js';
import { ServiceMetrics } from '../../src/exposition/service-metrics.js';
import { snapshotOf } from './snapshots.js';

/** What prom-client renders for these metrics with no cache in between. */
async function freshRender(service: ServiceMetrics): Promise<string> {
  const registry = new Registry();
  service.registerIn(registry);
  return registry.metrics();
}

describe('createRenderCache', () => {
  afterEach(() => vi.restoreAllMocks());

  it('serves the service metrics byte for byte as a fresh prom-client render after every kind of update', async () => {
    const service = new ServiceMetrics('1.0.0');
    const metrics = createMetricsRegistry({ snapshot: () => snapshotOf([]), version: '1.0.0', service, includeProcessMetrics: false });
    const updates: [string, () => void][] = [
      ['a successful poll', () => service.pollSucceeded(1_700_000_000, 0.25)],
      ['another successful poll', () => service.pollSucceeded(1_700_000_030, 0.5)],
      ...POLL_ERROR_REASONS.map((reason): [string, () => void] => [`a failed poll (${reason})`, () => service.pollFailed(reason, 1.5)]),
      ['Kepler schemas', () => service.setKeplerInfo([{ schema: 'v0.7', version: '0.7.12' }])],
      ['other Kepler schemas', () => service.setKeplerInfo([{ schema: 'v0.10', version: '0.10.0' }, { schema: 'v0.7', version: '0.7.12' }])],
      ['no Kepler schema', () => service.setKeplerInfo([])],
      ['backfill complete', () => service.setBackfillComplete(true)],
      ['backfill restarted', () => service.setBackfillComplete(false)],
      ['overflow series', () => service.setNamespaceOverflowSeries(17)],
      ['a poll duration alone', () => service.observePollDuration(42)],
      ['a poll error alone', () => service.countPollError(POLL_ERROR_REASONS[0]!)],
      ['a carbon intensity error', () => service.countCarbonIntensityError(POLL_ERROR_REASONS[1]!)],
      ['a second carbon intensity error', () => service.countCarbonIntensityError(POLL_ERROR_REASONS[1]!)],
    ];
    let before = Buffer.concat((await metrics.metricsChunks()).slice(1)).toString('utf8');
    expect(before).toBe(await freshRender(service));
    for (const [what, update] of updates) {
      update();
      const chunks = await metrics.metricsChunks();
      const served = Buffer.concat(chunks.slice(1)).toString('utf8');
      expect(served, what).not.toBe(before);
      expect(served, what).toBe(await freshRender(service));
      expect((await metrics.metrics()).endsWith(served), what).toBe(true);
      before = served;
    }
  });

  it('reuses one rendering and one buffer while nothing changes', async () => {
    const service = new ServiceMetrics('1');
    const metrics = createMetricsRegistry({ snapshot: () => snapshotOf([]), version: '1', service, includeProcessMetrics: false });
    const first = await metrics.metricsChunks();
    const renders = vi.spyOn(Registry.prototype, 'metrics');
    const second = await metrics.metricsChunks();
    await metrics.metrics();
    expect(renders).not.toHaveBeenCalled();
    expect(second[1]).toBe(first[1]);
    service.setNamespaceOverflowSeries(3);
    const third = await metrics.metricsChunks();
    expect(renders).toHaveBeenCalledTimes(1);
    expect(third[1]!.toString()).toContain('energy_ledger_namespace_overflow_series 3\n');
  });

  it('sees changes made through labels children, timers, removal and the registry itself', async () => {
    const registry = new Registry();
    const gauge = new Gauge({ name: 'g', help: 'g', labelNames: ['k'], registers: [registry] });
    const counter = new Counter({ name: 'c', help: 'c', labelNames: ['k'], registers: [registry] });
    const histogram = new Histogram({ name: 'h', help: 'h', labelNames: ['k'], buckets: [1, 10], registers: [registry] });
    const cache = createRenderCache(registry);
    const steps: [string, () => void][] = [
      ['gauge labels().set', () => gauge.labels('a').set(5)],
      ['gauge labels().inc', () => gauge.labels({ k: 'a' }).inc(2)],
      ['gauge labels().dec', () => gauge.labels('a').dec()],
      ['gauge dec', () => gauge.dec({ k: 'b' }, 4)],
      ['gauge labels().setToCurrentTime', () => gauge.labels('c').setToCurrentTime()],
      ['gauge timer end', () => gauge.startTimer({ k: 'd' })()],
      ['gauge labels().startTimer end', () => gauge.labels('e').startTimer()()],
      ['gauge remove', () => gauge.remove('a')],
      ['counter labels().inc', () => counter.labels('a').inc(3)],
      ['counter inc', () => counter.inc({ k: 'b' })],
      ['counter remove', () => counter.remove({ k: 'a' })],
      ['counter reset', () => counter.reset()],
      ['histogram labels().observe', () => histogram.labels('a').observe(0.5)],
      ['histogram zero', () => histogram.zero({ k: 'z' })],
      ['histogram timer end', () => histogram.startTimer({ k: 't' })()],
      ['histogram labels().startTimer end', () => histogram.labels('u').startTimer()()],
      ['histogram reset', () => histogram.reset()],
      ['a metric registered later', () => registry.registerMetric(new Gauge({ name: 'late', help: 'late', registers: [] }))],
      ['that metric set', () => (registry.getSingleMetric('late') as Gauge).set(9)],
      ['default labels', () => registry.setDefaultLabels({ pod: 'p' })],
      ['a metric removed', () => registry.removeSingleMetric('g')],
      ['registry reset', () => registry.resetMetrics()],
      ['registry cleared', () => registry.clear()],
    ];
    let before = await cache.text();
    for (const [what, step] of steps) {
      step();
      const text = await cache.text();
      expect(text, what).not.toBe(before);
      expect(text, what).toBe(await registry.metrics());
      expect((await cache.bytes()).toString('utf8'), what).toBe(text);
      before = text;
    }
  });

  it('renders again when a value changed while the previous rendering was under way', async () => {
    const registry = new Registry();
    const gauge = new Gauge({ name: 'g', help: 'g', registers: [registry] });
    const cache = createRenderCache(registry);
    const inFlight = cache.text();
    gauge.set(7);
    expect(await inFlight).toContain('g 0\n'); // prom-client read the value before the change
    expect(await cache.text()).toContain('g 7\n');
    gauge.set(8); // after the rendering finished
    expect(await cache.text()).toContain('g 8\n');
  });

  it('renders every call when a metric can change without a call', async () => {
    const registry = new Registry();
    let value = 1;
    new Gauge({ name: 'collected', help: 'c', registers: [registry], collect() { this.set(value); } });
    const cache = createRenderCache(registry);
    expect(await cache.text()).toContain('collected 1\n');
    value = 2;
    expect(await cache.text()).toContain('collected 2\n');

    const windowed = new Registry();
    new Summary({ name: 's', help: 's', maxAgeSeconds: 60, ageBuckets: 2, registers: [windowed] });
    const summaryCache = createRenderCache(windowed);
    const renders = vi.spyOn(Registry.prototype, 'metrics');
    await summaryCache.text();
    await summaryCache.text();
    expect(renders).toHaveBeenCalledTimes(2);
  });
});
