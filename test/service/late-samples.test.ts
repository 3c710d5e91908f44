import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/core/ledger/index.js';
import { DEFAULT_CLASSIFY_OPTIONS } from '../../src/core/schema/index.js';
import { ServiceMetrics } from '../../src/exposition/service-metrics.js';
import { KeplerReader } from '../../src/read/kepler-reader.js';
import type { SampleSource } from '../../src/read/sample-source.js';
import { LateKepler, type LateNode } from '../support/late-kepler.js';
import { testPoller } from '../support/test-poller.js';

const ORIGIN = 1_800_000_000; // a whole hour
const SCRAPE = 15;
const INTERVAL = 30;
const OVERLAP = 300;
const STALL_FROM = ORIGIN + 3600 - 100; // a remote-write stall across the first hour boundary
const STALL_SECONDS = 200;

/** Four nodes: readable 0.5–6 s after their scrape, one stalled for 200 s (its backlog flushed at once, in order). */
const NODES: readonly LateNode[] = [
  { name: 'n-a', offset: 0, visibleAt: (t) => t + 0.5 },
  { name: 'n-b', offset: 4, visibleAt: (t) => t + 2 },
  { name: 'n-c', offset: 8, visibleAt: (t) => (t + 1 >= STALL_FROM && t + 1 < STALL_FROM + STALL_SECONDS ? STALL_FROM + STALL_SECONDS : t + 1) },
  { name: 'n-d', offset: 11, visibleAt: (t) => t + 6 },
];

async function counter(metrics: ServiceMetrics, name: string): Promise<number> {
  const registry = new Registry();
  metrics.registerIn(registry);
  return (await registry.getSingleMetric(name)?.get())?.values[0]?.value ?? NaN;
}

function poller(source: SampleSource, now: () => number, adaptiveOverlap: boolean) {
  const ledger = new Ledger({ origin: ORIGIN, windows: [{ label: '1h', seconds: 3600 }] });
  const metrics = new ServiceMetrics('0.0.0-test');
  const reader = new KeplerReader({ source, schema: 'v0.10+', classify: DEFAULT_CLASSIFY_OPTIONS });
  const poll = testPoller({ reader, ledger, now, metrics, intervalSeconds: INTERVAL, overlapSeconds: OVERLAP, adaptiveOverlap });
  return { ledger, metrics, poll };
}

describe('adaptive re-read with samples that arrive late on purpose', () => {
  it('reads each sample at most 2.5 times in steady state, counts the late ones once, and gives the hours of one read of everything', async () => {
    const clock = { now: ORIGIN + 600 };
    const source = new LateKepler({ nodes: NODES, podsPerNode: 3, scrapeSeconds: SCRAPE, since: ORIGIN - 3600, now: () => clock.now });
    const { ledger, metrics, poll } = poller(source, () => clock.now, true);
    let steady = { read: 0, accounted: 0 };
    for (let i = 0; ; i++) {
      expect(await poll.pollOnce()).toBe(true);
      if (clock.now < ORIGIN + 2 * 3600) steady = { read: await counter(metrics, 'energy_ledger_samples_read_total'), accounted: ledger.stats().samples };
      if (clock.now >= ORIGIN + 3 * 3600) break;
      clock.now += INTERVAL + (i % 3) * 0.1;
    }
    // One read of everything visible at the last poll, by a poller whose first read is the whole history.
    const reference = poller(source, () => clock.now, false);
    expect(await reference.poll.pollOnce()).toBe(true);

    const hours = ledger.hours('namespace', ORIGIN, ORIGIN + 2 * 3600);
    expect(hours.length).toBeGreaterThan(0);
    expect(hours).toEqual(reference.ledger.hours('namespace', ORIGIN, ORIGIN + 2 * 3600));
    expect(ledger.totals('namespace')).toEqual(reference.ledger.totals('namespace'));
    expect(ledger.stats().samples).toBe(reference.ledger.stats().samples);

    // The stalled node's backlog was older than the regular window reaches: found, and counted once (above).
    expect(await counter(metrics, 'energy_ledger_samples_late_total')).toBeGreaterThan(0);
    // Steady state (the third hour): about two reads per sample.
    const read = (await counter(metrics, 'energy_ledger_samples_read_total')) - steady.read;
    const factor = read / (ledger.stats().samples - steady.accounted);
    expect(factor).toBeLessThanOrEqual(2.5);
    expect(factor).toBeGreaterThanOrEqual(1);
    // Window: at least the scrape interval, far below the overlap once the stall is forgotten.
    expect(await counter(metrics, 'energy_ledger_reread_window_seconds')).toBeGreaterThanOrEqual(SCRAPE);
    expect(await counter(metrics, 'energy_ledger_reread_window_seconds')).toBeLessThan(OVERLAP);
  });

  it('re-reads the whole overlap on every poll with adaptive_overlap off (about 11 reads per sample, as before)', async () => {
    const clock = { now: ORIGIN + 600 };
    const source = new LateKepler({ nodes: NODES, podsPerNode: 3, scrapeSeconds: SCRAPE, since: ORIGIN - 3600, now: () => clock.now });
    const { ledger, metrics, poll } = poller(source, () => clock.now, false);
    expect(await poll.pollOnce()).toBe(true);
    const before = { read: await counter(metrics, 'energy_ledger_samples_read_total'), accounted: ledger.stats().samples };
    for (let i = 0; i < 60; i++) {
      clock.now += INTERVAL;
      expect(await poll.pollOnce()).toBe(true);
    }
    const factor = ((await counter(metrics, 'energy_ledger_samples_read_total')) - before.read) / (ledger.stats().samples - before.accounted);
    expect(factor).toBeGreaterThan(9);
    expect(await counter(metrics, 'energy_ledger_reread_window_seconds')).toBe(OVERLAP);
  });
});
