import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/core/ledger/index.js';
import { DEFAULT_CLASSIFY_OPTIONS } from '../../src/core/schema/index.js';
import { hourStart } from '../../src/core/time.js';
import { ServiceMetrics } from '../../src/exposition/service-metrics.js';
import { PrometheusClient } from '../../src/prometheus/client.js';
import { PrometheusSource } from '../../src/prometheus/source.js';
import { KeplerReader } from '../../src/read/kepler-reader.js';
import { generateScenario, writeOpenMetrics } from '../../src/sim/index.js';
import { startLaggingProxy } from '../support/lagging-proxy.js';
import { startPrometheus } from '../support/prometheus-server.js';
import { testPoller } from '../support/test-poller.js';

const HOUR = 3600;

async function counter(metrics: ServiceMetrics, name: string): Promise<number> {
  const registry = new Registry();
  metrics.registerIn(registry);
  return (await registry.getSingleMetric(name)?.get())?.values[0]?.value ?? NaN;
}

describe('adaptive re-read against a real Prometheus whose newest samples arrive late on purpose', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('counts the samples a proxy holds back once, as one read of everything does, at a re-read factor of at most 2.5', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-late-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const now = Math.floor(Date.now() / 1000);
    const origin = hourStart(now) - 3 * HOUR;
    const scenario = generateScenario({ seed: 16, start: origin - HOUR, durationSeconds: 5 * HOUR, nodes: 4, namespaces: 5, churn: 2, scrapeIntervalSeconds: 30 });
    const file = path.join(dir, 'kepler.om.txt');
    await writeOpenMetrics(scenario, file, { from: scenario.start - 1, to: now, metrics: ['kepler_build_info', 'kepler_pod_cpu_joules_total', 'kepler_node_cpu_active_joules_total', 'kepler_node_cpu_idle_joules_total'], match: '{zone=~"package|dram|"}' });
    const prometheus = await startPrometheus({ blocksFrom: file });
    cleanups.push(() => prometheus.stop());

    // Every sample is readable 1 s after its time; one node's samples are held back 200 s across the first
    // hour boundary (a remote-write stall; its backlog then arrives at once, in order).
    const stalled = scenario.nodes[1]!.name;
    const stallFrom = origin + HOUR - 100;
    const proxy = await startLaggingProxy(prometheus.url, (node, t) => (node === stalled && t + 1 >= stallFrom && t + 1 < stallFrom + 200 ? stallFrom + 200 : t + 1));
    cleanups.push(() => proxy.close());

    const clock = { now: origin + 600 };
    const poller = (url: string, adaptiveOverlap: boolean) => {
      const client = new PrometheusClient({ url, timeoutSeconds: 30 });
      cleanups.push(() => client.close());
      const ledger = new Ledger({ origin, windows: [{ label: '1h', seconds: HOUR }] });
      const metrics = new ServiceMetrics('0.0.0-test');
      const reader = new KeplerReader({ source: new PrometheusSource(client), schema: 'v0.10+', classify: DEFAULT_CLASSIFY_OPTIONS });
      return { ledger, metrics, poll: testPoller({ reader, ledger, metrics, now: () => clock.now, intervalSeconds: 30, overlapSeconds: 300, adaptiveOverlap }) };
    };
    const late = poller(proxy.url, true);
    let steady = { read: 0, accounted: 0 };
    for (let i = 0; ; i++) {
      expect(await late.poll.pollOnce()).toBe(true);
      if (clock.now < origin + 1.5 * HOUR) steady = { read: await counter(late.metrics, 'energy_ledger_samples_read_total'), accounted: late.ledger.stats().samples };
      if (clock.now >= origin + 2.5 * HOUR) break;
      clock.now += 30 + (i % 4) * 0.25;
    }
    expect(proxy.hidden).toBeGreaterThan(0);
    // One read of everything up to the last poll, straight from Prometheus, less what was still held back then.
    const reference = poller(prometheus.url, false);
    clock.now -= 1;
    expect(await reference.poll.pollOnce()).toBe(true);

    const hours = late.ledger.hours('namespace', origin, origin + 2 * HOUR);
    expect(hours.length).toBeGreaterThan(0);
    expect(hours).toEqual(reference.ledger.hours('namespace', origin, origin + 2 * HOUR));
    expect(late.ledger.hours('node', origin, origin + 2 * HOUR)).toEqual(reference.ledger.hours('node', origin, origin + 2 * HOUR));
    expect(await counter(late.metrics, 'energy_ledger_samples_late_total')).toBeGreaterThan(0);
    const factor = ((await counter(late.metrics, 'energy_ledger_samples_read_total')) - steady.read) / (late.ledger.stats().samples - steady.accounted);
    expect(factor).toBeLessThanOrEqual(2.5);
    expect(factor).toBeGreaterThanOrEqual(1);
  }, 180_000);
});
