/**
 * One live poll end to end at 1k, 10k (and 100k with --full) Kepler series in a real Prometheus:
 * `KeplerReader.read` over a `PrometheusSource` plus `ledger.ingest` (in steps, as the poller does), against the floor of the same
 * HTTP requests (same POST forms and headers) whose bodies are only read, gunzipped and `JSON.parse`d.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';
import { request } from 'undici';
import { Ledger } from '../src/core/ledger/index.js';
import { buildSelector, DEFAULT_CLASSIFY_OPTIONS, queriesFor } from '../src/core/schema/index.js';
import { PrometheusClient } from '../src/prometheus/client.js';
import { rangeSelector } from '../src/prometheus/selector.js';
import { PrometheusSource } from '../src/prometheus/source.js';
import { ingestInSteps } from '../src/service/ingest-in-steps.js';
import { KeplerReader } from '../src/read/kepler-reader.js';
import { createBlocksFromOpenMetrics } from '../test/support/blocks.js';
import { startPrometheus } from '../test/support/prometheus-server.js';
import { writeKeplerSeries } from './kepler-series.js';
import { gcIfExposed, median } from './stats.js';
import type { BenchModule, BenchOptions, BenchRow } from './types.js';

const gunzip = promisify(gunzipCallback);
const END = 1_767_312_000; // 2026-01-02T00:00:00Z
const INTERVAL = 30;
/** The service's default `overlap` (5 m): each poll re-reads this much. */
const OVERLAP = 300;
/** Samples per series, 15 s apart: 7.5 minutes, enough for the warm-up poll and the measured one. */
const HISTORY = 30;
/** Pause between the forced GC and a measured run, ms. */
const SETTLE_MS = 200;

/** What one measured operation cost. */
export interface OpCost {
  readonly seconds: number;
  /**
   * Longest event-loop stall while it ran, ms: the largest gap between two ticks of a 5 ms interval
   * timer, minus the 5 ms (`monitorEventLoopDelay` is recorded too, but missed a 2 s `JSON.parse`
   * after an undici response on Node 20.20; see bench/RESULTS.md).
   */
  readonly maxStallMs: number;
  /**
   * The same largest gap less the time the main thread spent waiting for a CPU during it (Linux
   * `/proc/thread-self/schedstat`; undefined elsewhere): the part of the stall this process caused
   * itself, not counting a CPU held by Prometheus answering the same poll or other processes.
   */
  readonly maxOwnStallMs: number | undefined;
  /** `monitorEventLoopDelay` max over the same run (10 ms resolution), ms. */
  readonly eldMaxMs: number;
  /** Highest `heapUsed` sampled while it ran (every 5 ms and at the end), bytes. */
  readonly peakHeap: number;
  /** Highest `heapUsed + arrayBuffers` sampled the same way, bytes (response bodies live in array buffers). */
  readonly peakMemory: number;
  /** CPU time of this process (all its threads) while it ran, seconds. */
  readonly cpuSeconds: number;
}

/** Runs `fn` while watching the event loop and the heap. */
export async function measure(fn: () => Promise<unknown>): Promise<OpCost> {
  gcIfExposed();
  // Let V8 finish sweeping after the forced GC (concurrently, on a CPU it shares with Prometheus): else
  // the first allocations of the measured run may wait for it (gaps of 30–60 ms at 100k series where the
  // main thread neither ran nor waited for a CPU, seen only right after a forced GC).
  await delay(SETTLE_MS);
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  const startUsage = process.memoryUsage();
  let peakHeap = startUsage.heapUsed;
  let peakMemory = startUsage.heapUsed + startUsage.arrayBuffers;
  let last = performance.now();
  let lastWait = runQueueWaitMs();
  let maxGap = 0;
  let maxOwn = 0;
  const tick = (): void => {
    const now = performance.now();
    const wait = runQueueWaitMs();
    maxGap = Math.max(maxGap, now - last - 5);
    if (wait !== undefined && lastWait !== undefined) maxOwn = Math.max(maxOwn, now - last - 5 - (wait - lastWait));
    last = now;
    lastWait = wait;
    const usage = process.memoryUsage();
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    peakMemory = Math.max(peakMemory, usage.heapUsed + usage.arrayBuffers);
  };
  const timer = setInterval(tick, 5);
  histogram.enable();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    await fn();
    tick();
  } finally {
    clearInterval(timer);
    histogram.disable();
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxStallMs: Math.max(0, maxGap),
    maxOwnStallMs: lastWait === undefined ? undefined : Math.max(0, maxOwn),
    eldMaxMs: histogram.max / 1e6,
    peakHeap,
    peakMemory,
  };
}

/** Time this thread has waited on a run queue for a CPU since it started, ms (Linux only, else undefined). */
function runQueueWaitMs(): number | undefined {
  try {
    // schedstat: time on a CPU, time waiting on a run queue (both ns), timeslices.
    return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[1]) / 1e6;
  } catch {
    return undefined;
  }
}

/** The POST forms `PrometheusClient.query` sends for one `KeplerReader.read(start, end)` of v0.10+. */
export function readForms(start: number, end: number): URLSearchParams[] {
  return queriesFor('v0.10+', DEFAULT_CLASSIFY_OPTIONS).map(
    (spec) =>
      new URLSearchParams({
        query: rangeSelector(buildSelector(spec), end - start),
        time: end.toFixed(3),
        timeout: '120000ms',
        partial_response: 'false',
        max_source_resolution: '0',
      }),
  );
}

/**
 * The floor: the same requests, bodies read (gunzipped when gzip) and `JSON.parse`d; returns the series
 * count. With `parse` false the bodies are only read (the time Prometheus needs to answer); returns 0.
 */
export async function floorRead(url: string, forms: readonly URLSearchParams[], parse = true): Promise<number> {
  const counts = await Promise.all(
    forms.map(async (form) => {
      const response = await request(`${url}/api/v1/query`, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', 'accept-encoding': 'gzip' },
        body: form.toString(),
      });
      let body = Buffer.from(await response.body.arrayBuffer());
      if (response.statusCode !== 200) throw new Error(`floor query failed: HTTP ${response.statusCode} ${body.toString('utf8', 0, 200)}`);
      if (!parse) return 0;
      if (response.headers['content-encoding'] === 'gzip') body = await gunzip(body);
      const parsed = JSON.parse(body.toString('utf8')) as { data: { result: unknown[] } };
      return parsed.data.result.length;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** Ledger, reader and the warm-up poll before the measured one (the steady state of a running service). */
async function warmLedger(reader: KeplerReader): Promise<Ledger> {
  const ledger = new Ledger({ origin: END - 3600, windows: [{ label: '5m', seconds: 300 }, { label: '1h', seconds: 3600 }, { label: '24h', seconds: 86_400 }] });
  ledger.ingest(await reader.read(END - INTERVAL - OVERLAP - INTERVAL, END - INTERVAL));
  return ledger;
}

/** Measures polls at one size; the Prometheus at `url` holds `series` series. */
export async function measurePolls(url: string, series: number, reps: number): Promise<{ poll: OpCost[]; floor: OpCost[]; retainedHeap: number }> {
  const client = new PrometheusClient({ url, timeoutSeconds: 120 });
  try {
    const reader = new KeplerReader({ source: new PrometheusSource(client), schema: 'v0.10+', classify: DEFAULT_CLASSIFY_OPTIONS });
    const forms = readForms(END - INTERVAL - OVERLAP, END);
    const poll: OpCost[] = [];
    const floor: OpCost[] = [];
    let retainedHeap = 0;
    for (let r = 0; r <= reps; r++) {
      let seen = 0;
      const f = await measure(async () => void (seen = await floorRead(url, forms)));
      if (seen !== series) throw new Error(`floor read ${seen} series, want ${series}`);
      const ledger = await warmLedger(reader);
      // As the poller does it: read, then ingest with event-loop turns.
      const p = await measure(async () => ingestInSteps(ledger, await reader.read(END - INTERVAL - OVERLAP, END)));
      if (ledger.stats().series !== series) throw new Error(`ledger tracks ${ledger.stats().series} series, want ${series}`);
      if (r === 0) continue; // warm-up (JIT, connections, Prometheus' caches)
      floor.push(f);
      poll.push(p);
      gcIfExposed();
      retainedHeap = process.memoryUsage().heapUsed;
    }
    return { poll, floor, retainedHeap };
  } finally {
    await client.close();
  }
}

async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const sizes = opts.full ? [1_000, 10_000, 100_000] : [1_000, 10_000];
  const rows: BenchRow[] = [];
  for (const size of sizes) {
    const dir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-poll-'));
    try {
      const file = path.join(dir, 'series.om');
      // 4 node series per node (100 nodes) come on top of the pod series.
      const written = await writeKeplerSeries(file, { podSeries: size - 400, end: END, count: HISTORY });
      await createBlocksFromOpenMetrics(file, path.join(dir, 'data'));
      await rm(file);
      opts.log?.(`poll-cost: ${written.series} series × ${HISTORY} samples in blocks`);
      const prometheus = await startPrometheus({ storageDir: path.join(dir, 'data') });
      try {
        const { poll, floor, retainedHeap } = await measurePolls(prometheus.url, written.series, opts.full ? 5 : 3);
        const label = `${size / 1000}k series`;
        const pollS = median(poll.map((c) => c.seconds));
        const floorS = median(floor.map((c) => c.seconds));
        const big = size >= 100_000;
        rows.push({
          name: `${label}: one poll (read + ingest)`,
          figure: pollS * 1000,
          unit: 'ms',
          baseline: floorS * 1000,
          note: `${(OVERLAP + INTERVAL) / 60} min read (5 m overlap + 30 s), ${written.series * 22} samples, median of ${poll.length}; baseline: same requests, body gunzipped + JSON.parse`,
          ...(big ? { goal: { text: '≤ 1.5× floor', met: pollS <= 1.5 * floorS } } : {}),
        });
        const stall = Math.max(...poll.map((c) => c.maxStallMs));
        rows.push({
          name: `${label}: longest event-loop stall while polling`,
          figure: stall,
          unit: 'ms',
          baseline: Math.max(...floor.map((c) => c.maxStallMs)),
          note: `largest gap of a 5 ms interval timer, max over all reps (monitorEventLoopDelay: ${Math.max(...poll.map((c) => c.eldMaxMs)).toFixed(0)} ms vs ${Math.max(...floor.map((c) => c.eldMaxMs)).toFixed(0)} ms); baseline: the floor read`,
          goal: { text: '≤ 50 ms', met: stall <= 50 },
        });
        const own = poll.map((c) => c.maxOwnStallMs);
        const floorOwn = floor.map((c) => c.maxOwnStallMs);
        if (!own.includes(undefined)) {
          rows.push({
            name: `${label}: longest stall less the thread's waits for a CPU`,
            figure: Math.max(...(own as number[])),
            unit: 'ms',
            baseline: Math.max(...(floorOwn as number[])),
            note: `as above, each gap less the time the main thread waited on a run queue during it (/proc/thread-self/schedstat): the stall the process made itself (its code and GC, including GC waiting for its helper threads), not a CPU held by Prometheus or other processes on this 2-core machine`,
          });
        }
        const peak = Math.max(...poll.map((c) => c.peakHeap)) / 2 ** 20;
        rows.push({
          name: `${label}: peak heapUsed while polling`,
          figure: peak,
          unit: 'MiB',
          baseline: Math.max(...floor.map((c) => c.peakHeap)) / 2 ** 20,
          note: `sampled every 5 ms; after gc with the ledger: ${(retainedHeap / 2 ** 20).toFixed(1)} MiB; baseline: the floor read`,
          ...(big ? { goal: { text: '≤ 150 MiB', met: peak <= 150 } } : {}),
        });
      } finally {
        await prometheus.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

export const pollCost: BenchModule = { name: 'poll-cost', run };
