import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LedgerSnapshot } from '../../src/core/types.js';
import { POLL_ERROR_REASONS } from '../../src/exposition/names.js';
import { createMetricsRegistry } from '../../src/exposition/registry.js';
import { createRenderCache } from '../../src/exposition/render-cache.js';
import { ServiceMetrics } from '../../src/exposition/service-metrics.js';
import { ns, snapshotOf } from './snapshots.js';

/** What prom-client renders for these metrics with no cache in between. */
async function freshRender(service: ServiceMetrics): Promise<string> {
  const registry = new Registry();
  service.registerIn(registry);
  return registry.metrics();
}

/** The methods of `ServiceMetrics` that write its metrics: every method but the constructor and `registerIn`. */
function updateMethodNames(): string[] {
  const proto = ServiceMetrics.prototype as unknown as Record<string, unknown>;
  return Object.getOwnPropertyNames(proto).filter((name) => {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    return typeof descriptor?.value === 'function' && name !== 'constructor' && name !== 'registerIn';
  });
}

describe('createMetricsRegistry service metrics cache', () => {
  afterEach(() => vi.restoreAllMocks());

  it('shows every update of every ServiceMetrics update method in the next scrape, byte for byte as a fresh prom-client render', async () => {
    const service = new ServiceMetrics('1.0.0');
    let snapshot: LedgerSnapshot = snapshotOf([]);
    const metrics = createMetricsRegistry({ snapshot: () => snapshot, version: '1.0.0', service, includeProcessMetrics: false });
    // Each update method, one or more calls that change what it writes. The registry itself calls
    // `setMetricsSize` when a new snapshot changes the size of the energy part.
    const updates: Record<string, [string, () => void][]> = {
      pollSucceeded: [
        ['a successful poll', () => service.pollSucceeded(1_700_000_000, 0.25)],
        ['another successful poll', () => service.pollSucceeded(1_700_000_030, 0.5)],
      ],
      pollFailed: POLL_ERROR_REASONS.map((reason) => [`a failed poll (${reason})`, () => service.pollFailed(reason, 1.5)]),
      setKeplerInfo: [
        ['Kepler schemas', () => service.setKeplerInfo([{ schema: 'v0.7', version: '0.7.12' }])],
        ['other Kepler schemas', () => service.setKeplerInfo([{ schema: 'v0.10', version: '0.10.0' }, { schema: 'v0.7', version: '0.7.12' }])],
        ['no Kepler schema', () => service.setKeplerInfo([])],
      ],
      setBackfillComplete: [
        ['backfill complete', () => service.setBackfillComplete(true)],
        ['backfill restarted', () => service.setBackfillComplete(false)],
      ],
      setNamespaceOverflowSeries: [['overflow series', () => service.setNamespaceOverflowSeries(17)]],
      setMetricsSize: [['a larger snapshot', () => (snapshot = snapshotOf([ns('shop', 1), ns('web', 2)]))]],
      setSeriesIgnored: [['ignored series', () => service.setSeriesIgnored({ unknown_zone: 4, ignored_zone: 2 }, ['cpu_power'])]],
      countSamplesRead: [['samples read', () => service.countSamplesRead(120, 3)]],
      setRereadWindow: [['a re-read window', () => service.setRereadWindow(900)]],
      observePollDuration: [['a poll duration alone', () => service.observePollDuration(42)]],
      countPollError: [['a poll error alone', () => service.countPollError(POLL_ERROR_REASONS[0]!)]],
      setRestoreProgress: [['restore progress', () => service.setRestoreProgress(0.5)]],
      countHistoryMismatch: [['a history mismatch', () => service.countHistoryMismatch()]],
      countRestoreError: [['a restore error', () => service.countRestoreError(POLL_ERROR_REASONS[1]!)]],
      countCarbonIntensityError: [
        ['a carbon intensity error', () => service.countCarbonIntensityError(POLL_ERROR_REASONS[1]!)],
        ['a second carbon intensity error', () => service.countCarbonIntensityError(POLL_ERROR_REASONS[1]!)],
      ],
    };
    // A new update method fails here until it is listed above, and then below unless it moves the revision.
    expect(Object.keys(updates).sort()).toEqual(updateMethodNames().sort());

    let before = Buffer.concat((await metrics.metricsChunks()).slice(1)).toString('utf8');
    expect(before).toBe(await freshRender(service));
    for (const [what, update] of Object.values(updates).flat()) {
      update();
      const served = Buffer.concat((await metrics.metricsChunks()).slice(1)).toString('utf8');
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

  it('renders again when a value changed while the previous rendering was under way', async () => {
    const service = new ServiceMetrics('1');
    const metrics = createMetricsRegistry({ snapshot: () => snapshotOf([]), version: '1', service, includeProcessMetrics: false });
    const inFlight = metrics.metrics();
    service.pollSucceeded(1_700_000_000, 1);
    expect(await inFlight).toContain('energy_ledger_up 0\n'); // prom-client read the value before the change
    expect(await metrics.metrics()).toContain('energy_ledger_up 1\n');
    service.pollFailed(POLL_ERROR_REASONS[0]!, 1); // after the rendering finished
    expect(await metrics.metrics()).toContain('energy_ledger_up 0\n');
  });
});

describe('createRenderCache', () => {
  it('renders again only when the stamp is no longer current, sharing one rendering and one buffer meanwhile', async () => {
    let stamp = 0;
    let renders = 0;
    const cache = createRenderCache({ render: async () => `render ${++renders}\n`, stamp: () => stamp, isCurrent: (at, now) => at === now });
    const [a, b] = await Promise.all([cache.text(), cache.text()]);
    expect([a, b]).toEqual(['render 1\n', 'render 1\n']);
    const bytes = await cache.bytes();
    expect(bytes.toString('utf8')).toBe('render 1\n');
    expect(await cache.bytes()).toBe(bytes);
    stamp = 1;
    expect((await cache.bytes()).toString('utf8')).toBe('render 2\n');
    expect(await cache.text()).toBe('render 2\n');
    expect(renders).toBe(2);
  });

  it('does not keep a failed rendering', async () => {
    let fail = true;
    const cache = createRenderCache({
      render: async () => {
        if (fail) throw new Error('render failed');
        return 'ok\n';
      },
      stamp: () => 0,
      isCurrent: () => true,
    });
    await expect(cache.text()).rejects.toThrow('render failed');
    fail = false;
    expect(await cache.text()).toBe('ok\n');
  });
});
