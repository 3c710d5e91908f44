import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/core/ledger/index.js';
import { DEFAULT_CLASSIFY_OPTIONS } from '../../src/core/schema/index.js';
import { hourStart } from '../../src/core/time.js';
import type { RawSeries } from '../../src/core/types.js';
import { ServiceMetrics } from '../../src/exposition/service-metrics.js';
import { createLogger } from '../../src/log.js';
import { DetectionSchedule } from '../../src/read/detection-schedule.js';
import { KeplerReader } from '../../src/read/kepler-reader.js';
import { Poller } from '../../src/service/poller.js';
import type { RangeRequest, SampleSource } from '../../src/read/sample-source.js';

/** A series Kepler exports from `from` until `to` (exclusive), scraped every {@link SCRAPE_SECONDS}. */
interface ExportedSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly from: number;
  to?: number;
  /** Value at `from`; counters then grow 10 J/s. Build-info series stay at this value. */
  readonly start: number;
  readonly grows: boolean;
}

const SCRAPE_SECONDS = 5;

/**
 * What a Prometheus scraping a Kepler stand-in stores, on a clock the test sets: raw samples of each
 * series, and the metric names an instant query sees now (an ended series is stale-marked at once, as
 * Prometheus does when a target stops exporting it). Counts what the service asks; `failNext` makes the
 * next read of Kepler samples fail.
 */
class ScrapedKepler implements SampleSource {
  now = 0;
  detections = 0;
  buildInfoReads = 0;
  reads = 0;
  failNext = false;
  private readonly series: ExportedSeries[] = [];

  /** Starts exporting a counter (growing 10 J/s from 5,000 J) and its schema's build-info series. */
  export(counter: Record<string, string>, buildInfo: Record<string, string>): ExportedSeries[] {
    const added = [
      { labels: counter, from: this.now, start: 5000, grows: true },
      { labels: buildInfo, from: this.now, start: 1, grows: false },
    ];
    this.series.push(...added);
    return added;
  }

  /** Stops exporting these series at `at`. */
  stop(series: readonly ExportedSeries[], at: number): void {
    for (const s of series) s.to = at;
  }

  /** Energy a ledger must hold for the counter named `metric` up to `end`: its last stored value minus its first (the baseline). */
  storedIncrease(metric: string, end: number): number {
    const [series] = this.stored(metric, -Infinity, end);
    expect(series!.values.length).toBeGreaterThan(2);
    return series!.values[series!.values.length - 1]! - series!.values[0]!;
  }

  async fetchRange(request: RangeRequest): Promise<RawSeries[]> {
    if (request.selector.includes('_build_info')) this.buildInfoReads++;
    else if (this.failNext) {
      this.failNext = false;
      throw new Error('failed to read samples: connection reset (test)');
    } else this.reads++;
    return this.stored(request.selector.split('{')[0]!, request.start, Math.min(request.end, this.now));
  }

  async presentMetricNames(names: readonly string[]): Promise<Set<string>> {
    this.detections++;
    const live = this.series.filter((s) => s.from <= this.now && (s.to === undefined || s.to > this.now));
    return new Set(live.map((s) => s.labels['__name__']!).filter((name) => names.includes(name)));
  }

  /** Stored samples in `(start, end]` of the series named `metric`. */
  private stored(metric: string, start: number, end: number): RawSeries[] {
    return this.series
      .filter((s) => s.labels['__name__'] === metric)
      .map((s) => {
        const timestamps: number[] = [];
        for (let t = s.from; t <= end && (s.to === undefined || t < s.to); t += SCRAPE_SECONDS) if (t > start) timestamps.push(t);
        return { labels: s.labels, timestamps, values: timestamps.map((t) => (s.grows ? s.start + 10 * (t - s.from) : s.start)) };
      })
      .filter((s) => s.timestamps.length > 0);
  }
}

const V04_COUNTER = { __name__: 'kepler_container_package_joules_total', node: 'n1', container_namespace: 'ns-a', pod_name: 'a', container_id: 'c1', mode: 'dynamic' };
const V04_INFO = { __name__: 'kepler_exporter_build_info', version: '0.7.11' };
const V10_COUNTER = { __name__: 'kepler_pod_cpu_joules_total', node_name: 'n2', pod_namespace: 'ns-b', pod_name: 'b', pod_id: 'u-b', zone: 'package', state: 'running' };
const V10_INFO = { __name__: 'kepler_build_info', version: '0.10.2' };

const INTERVAL_SECONDS = 60; // detection every ceil(300 / 60) = 5 polls
/** Half past an hour: the first poll reads from the origin (an hour before that hour) in one chunk. */
const START = 1_800_000_000 + 1800;

describe('DetectionSchedule', () => {
  it.each([
    [60, 5],
    [30, 10],
    [301, 1],
    [300, 1],
    [7, 43],
  ])('with polls every %i s detects every %i polls (about every 300 s)', (interval, every) => {
    expect(DetectionSchedule.forInterval(interval).everyPolls).toBe(every);
  });

  it('is due on the first poll, then every `everyPolls` polls, and on the poll after a suspect one', () => {
    const schedule = new DetectionSchedule(3);
    const due: boolean[] = [];
    const poll = (suspect = false): void => {
      due.push(schedule.due);
      if (schedule.due) schedule.detected();
      schedule.pollEnded(suspect);
    };
    for (let i = 0; i < 7; i++) poll();
    poll(true);
    poll();
    poll();
    expect(due).toEqual([true, false, false, true, false, false, true, false, true, false]);
  });

  it('rejects fewer than one poll between detections', () => {
    expect(() => new DetectionSchedule(0)).toThrow(RangeError);
    expect(() => new DetectionSchedule(Number.NaN)).toThrow(RangeError);
  });
});

describe('schema detection of the poller, on a scraped Kepler stand-in with a clock the test sets', () => {
  /** A poller on a fresh ledger, polling once per interval of the source's clock. */
  function makePoller(overlapSeconds: number) {
    const source = new ScrapedKepler();
    source.now = START;
    const v04 = source.export(V04_COUNTER, V04_INFO);
    source.now += 10 * 60; // ten minutes of v0.4-v0.9 samples before the first poll
    const ledger = new Ledger({ origin: hourStart(source.now) - 3600, windows: [{ label: '1h', seconds: 3600 }] });
    const metrics = new ServiceMetrics('0.0.0-test');
    const poller = new Poller({
      reader: new KeplerReader({ source, schema: 'auto', classify: DEFAULT_CLASSIFY_OPTIONS }),
      ledger,
      metrics,
      logger: createLogger({ level: 'error', destination: { write: () => undefined } }),
      labels: { namespaceLabels: ['namespace'], nodeLabels: ['node'] },
      now: () => source.now,
      intervalSeconds: INTERVAL_SECONDS,
      overlapSeconds,
      lookbackSeconds: 300,
      chunkSeconds: 7200,
    });
    /** Advances the clock by one interval and polls; returns the poll's time. */
    const poll = async (succeeds = true): Promise<number> => {
      source.now += INTERVAL_SECONDS;
      expect(await poller.pollOnce()).toBe(succeeds);
      return source.now;
    };
    const joules = (namespace: string) =>
      ledger
        .hours('namespace', ledger.options.origin, hourStart(source.now) + 3600)
        .filter((r) => r.labels[0] === namespace)
        .reduce((sum, r) => sum + r.joules, 0);
    return { source, v04, metrics, poll, joules };
  }

  it('detects on the first poll, then every ceil(300 s / interval) polls, and on the poll after a failed one', async () => {
    const { source, metrics, poll } = makePoller(30);
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
    await poll(false);
    expect(source.detections).toBe(3);
    await poll();
    expect(source.detections).toBe(4);
    await poll();
    expect(source.detections).toBe(4);
  });

  it('notices a Kepler upgrade mid-run within the period, reads the new schema from its first scrape, and re-detects as soon as the old one is gone', async () => {
    const { source, v04, metrics, poll, joules } = makePoller(30);
    await poll();
    expect(metrics.keplerSchemas).toEqual([{ schema: 'v0.4-v0.9', version: '0.7.11' }]);
    source.now += 10;
    source.export(V10_COUNTER, V10_INFO); // node n2 now runs v0.10, n1 still v0.4-v0.9
    for (let i = 2; i <= 5; i++) await poll();
    expect(source.detections).toBe(1);
    expect(joules('ns-b')).toBe(0);
    source.failNext = true; // poll 6 detects v0.10+, then its read fails
    await poll(false);
    expect(source.detections).toBe(2);
    expect(metrics.keplerSchemas).toEqual([
      { schema: 'v0.10+', version: '0.10.2' },
      { schema: 'v0.4-v0.9', version: '0.7.11' },
    ]);
    const seventh = await poll(); // detects again after the failure
    expect(source.detections).toBe(3);
    // Read from the detection before v0.10+ appeared: every stored v0.10 sample counts, not only those after poll 5.
    const v10 = V10_COUNTER.__name__;
    expect(joules('ns-b')).toBeCloseTo(source.storedIncrease(v10, seventh), 3);
    expect(joules('ns-b')).toBeGreaterThan(10 * 5 * INTERVAL_SECONDS);

    source.stop(v04, source.now + 10); // n1 upgraded too: its v0.4-v0.9 series end
    await poll(); // still reads the last v0.4-v0.9 samples (within the overlap)
    await poll(); // reads no v0.4-v0.9 series at all
    expect(source.detections).toBe(3);
    const tenth = await poll(); // detects at once instead of at poll 12
    expect(source.detections).toBe(4);
    expect(metrics.keplerSchemas).toEqual([{ schema: 'v0.10+', version: '0.10.2' }]);
    expect(joules('ns-a')).toBeCloseTo(source.storedIncrease(V04_COUNTER.__name__, tenth), 3);
    expect(joules('ns-b')).toBeCloseTo(source.storedIncrease(v10, tenth), 3);
  });
});
