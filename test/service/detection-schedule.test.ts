import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/core/ledger/index.js';
import { DEFAULT_CLASSIFY_OPTIONS } from '../../src/core/schema/index.js';
import { hourStart } from '../../src/core/time.js';
import type { RawSeries } from '../../src/core/types.js';
import { ServiceMetrics } from '../../src/exposition/service-metrics.js';
import { createLogger } from '../../src/log.js';
import { PrometheusClient } from '../../src/prometheus/client.js';
import { PrometheusSource } from '../../src/prometheus/source.js';
import { DetectionSchedule } from '../../src/service/detection-schedule.js';
import { KeplerReader } from '../../src/service/kepler-reader.js';
import { Poller } from '../../src/service/poller.js';
import type { RangeRequest, SampleSource } from '../../src/source/sample-source.js';
import type { RunningBackend } from '../support/backend.js';
import { startPrometheus } from '../support/prometheus-server.js';
import { waitFor } from '../support/wait-for.js';

/** The sample source of the service, counting what it is asked; `failNext` makes the next read of Kepler samples fail. */
class CountingSource implements SampleSource {
  detections = 0;
  buildInfoReads = 0;
  reads = 0;
  failNext = false;
  constructor(private readonly inner: SampleSource) {}

  async fetchRange(request: RangeRequest, signal?: AbortSignal): Promise<RawSeries[]> {
    if (request.selector.includes('_build_info')) this.buildInfoReads++;
    else if (this.failNext) {
      this.failNext = false;
      throw new Error('failed to read samples: connection reset (test)');
    } else this.reads++;
    return this.inner.fetchRange(request, signal);
  }

  async presentMetricNames(names: readonly string[], signal?: AbortSignal): Promise<Set<string>> {
    this.detections++;
    return this.inner.presentMetricNames(names, signal);
  }
}

/** A Kepler stand-in scraped by Prometheus: each exported counter grows 10 J/s from 5,000 J. */
class KeplerExporter {
  v04 = false;
  v10 = false;
  private readonly t0 = Date.now() / 1000;
  private readonly server: Server = createServer((_req, res) => {
    const value = (5000 + 10 * (Date.now() / 1000 - this.t0)).toFixed(3);
    const lines: string[] = [];
    if (this.v04) {
      lines.push('kepler_exporter_build_info{version="0.7.11"} 1');
      lines.push(`kepler_container_package_joules_total{node="n1",container_namespace="ns-a",pod_name="a",container_id="c1",mode="dynamic"} ${value}`);
    }
    if (this.v10) {
      lines.push('kepler_build_info{version="0.10.2"} 1');
      lines.push(`kepler_pod_cpu_joules_total{node_name="n2",pod_namespace="ns-b",pod_name="b",pod_id="u-b",zone="package",state="running"} ${value}`);
    }
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    res.end(lines.join('\n') + '\n');
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const INTERVAL_SECONDS = 60; // detection every ceil(300 / 60) = 5 polls

describe('schema detection against a real Prometheus scraping a Kepler stand-in', () => {
  const exporter = new KeplerExporter();
  let prometheus: RunningBackend;
  let client: PrometheusClient;
  let truth: PrometheusSource;

  beforeAll(async () => {
    exporter.v04 = true;
    const target = await exporter.listen();
    prometheus = await startPrometheus({ scrapeConfigs: [{ job_name: 'kepler', static_configs: [{ targets: [target] }] }] });
    client = new PrometheusClient({ url: prometheus.url, sleep: async () => undefined, random: () => 0 });
    truth = new PrometheusSource(client);
    await waitFor(async () => (await truth.presentMetricNames(['kepler_exporter_build_info'])).size === 1, 30_000, 200);
    await sleep(2500); // a few scrapes to read
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await prometheus?.stop();
    await exporter.close();
  });

  /** A poller on a fresh ledger whose clock the test sets before each poll. */
  function makePoller(overlapSeconds: number) {
    const source = new CountingSource(new PrometheusSource(client));
    const clock = { now: Date.now() / 1000 };
    const ledger = new Ledger({ origin: hourStart(clock.now) - 3600, windows: [{ label: '1h', seconds: 3600 }] });
    const metrics = new ServiceMetrics('0.0.0-test');
    const poller = new Poller({
      reader: new KeplerReader({ source, schema: 'auto', classify: DEFAULT_CLASSIFY_OPTIONS }),
      ledger,
      metrics,
      logger: createLogger({ level: 'error', destination: { write: () => undefined } }),
      labels: { namespaceLabels: ['namespace'], nodeLabels: ['node'] },
      now: () => clock.now,
      intervalSeconds: INTERVAL_SECONDS,
      overlapSeconds,
      lookbackSeconds: 300,
      chunkSeconds: 7200,
    });
    const poll = async (succeeds = true): Promise<number> => {
      clock.now = Date.now() / 1000;
      expect(await poller.pollOnce()).toBe(succeeds);
      return clock.now;
    };
    const joules = (namespace: string) =>
      ledger
        .hours('namespace', ledger.options.origin, hourStart(clock.now) + 3600)
        .filter((r) => r.labels[0] === namespace)
        .reduce((sum, r) => sum + r.joules, 0);
    return { source, poller, metrics, poll, joules };
  }

  /** What the ledger must hold for a series: its last stored value up to `end` minus its first (the baseline). */
  async function storedIncrease(selector: string, end: number): Promise<number> {
    const [series, more] = await truth.fetchRange({ selector, start: end - 3 * 3600, end });
    expect(more).toBeUndefined();
    const values = series!.values;
    expect(values.length).toBeGreaterThan(2);
    return (values[values.length - 1] as number) - (values[0] as number);
  }

  it('detects on the first poll, then every ceil(300 s / interval) polls, and on the poll after a failed one', async () => {
    expect(DetectionSchedule.forInterval(INTERVAL_SECONDS).everyPolls).toBe(5);
    const { source, poller, metrics, poll } = makePoller(30);
    const detections: number[] = [];
    const buildInfoReads: number[] = [];
    const reads: number[] = [];
    for (let i = 0; i < 11; i++) {
      await poll();
      detections.push(source.detections);
      buildInfoReads.push(source.buildInfoReads);
      reads.push(source.reads);
    }
    expect(detections).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3]);
    expect(buildInfoReads).toEqual(detections); // one schema: one build-info read per detection
    // Every poll reads each in-scope metric of v0.4-v0.9 once (package, dram, gpu; container and node).
    expect(reads).toEqual(reads.map((_, i) => 6 * (i + 1)));
    expect(metrics.keplerSchemas).toEqual([{ schema: 'v0.4-v0.9', version: '0.7.11' }]);

    source.failNext = true;
    expect(await poller.pollOnce()).toBe(false);
    expect(source.detections).toBe(3);
    await poll();
    expect(source.detections).toBe(4);
    await poll();
    expect(source.detections).toBe(4);
  }, 60_000);

  it('notices a Kepler upgrade mid-run within the period, reads the new schema from its first scrape, and re-detects as soon as the old one is gone', async () => {
    const { source, metrics, poll, joules } = makePoller(2);
    await poll();
    expect(metrics.keplerSchemas).toEqual([{ schema: 'v0.4-v0.9', version: '0.7.11' }]);
    exporter.v10 = true; // node n2 now runs v0.10, n1 still v0.4-v0.9
    for (let i = 2; i <= 5; i++) {
      await sleep(1500);
      await poll();
    }
    expect(source.detections).toBe(1);
    expect(joules('ns-b')).toBe(0);
    await sleep(1500);
    source.failNext = true; // poll 6 detects v0.10+, then its read fails
    await poll(false);
    expect(source.detections).toBe(2);
    expect(metrics.keplerSchemas).toEqual([
      { schema: 'v0.10+', version: '0.10.2' },
      { schema: 'v0.4-v0.9', version: '0.7.11' },
    ]);
    await sleep(1500);
    const seventh = await poll(); // detects again after the failure
    expect(source.detections).toBe(3);
    // Read from the detection before v0.10+ appeared: every stored v0.10 sample counts, not only those after poll 5.
    const v10 = 'kepler_pod_cpu_joules_total';
    expect(joules('ns-b')).toBeCloseTo(await storedIncrease(v10, seventh), 3);
    expect(joules('ns-b')).toBeGreaterThan(50);

    exporter.v04 = false; // n1 upgraded too: its v0.4-v0.9 series end
    await sleep(3000);
    await poll(); // still reads the last v0.4-v0.9 samples (within the overlap)
    await sleep(3000);
    await poll(); // reads no v0.4-v0.9 series at all
    expect(source.detections).toBe(3);
    const tenth = await poll(); // detects at once instead of at poll 12
    expect(source.detections).toBe(4);
    expect(metrics.keplerSchemas).toEqual([{ schema: 'v0.10+', version: '0.10.2' }]);
    expect(joules('ns-a')).toBeCloseTo(await storedIncrease('kepler_container_package_joules_total', tenth), 3);
    expect(joules('ns-b')).toBeCloseTo(await storedIncrease(v10, tenth), 3);
  }, 60_000);
});
