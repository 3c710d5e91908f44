/**
 * Child process of the scale bench: one poller (the unsharded one, or shard `index/count`) with a heap of its
 * own, as in a deployment, where each shard runs in its own process. Started with
 * `<prometheus url> <read seconds> <history samples> <polls> [index/count]`, it warms a ledger with everything
 * up to `SCALE_END − polls × SCALE_SCRAPE`; each message from the parent then asks for the next steady-state
 * poll, as the service makes them: the same ledger and reader, the window `(t − read seconds, t]` one scrape
 * later each time, up to SCALE_END, and no forced collection in between. Replies with a {@link PollReport}.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Ledger } from '../src/core/ledger/index.js';
import type { HourRow } from '../src/core/types.js';
import { DEFAULT_CLASSIFY_OPTIONS } from '../src/core/schema/index.js';
import { parseShard } from '../src/core/shard/node-hash.js';
import { PrometheusClient } from '../src/prometheus/client.js';
import { PrometheusSource } from '../src/prometheus/source.js';
import { ingestInSteps } from '../src/service/ingest-in-steps.js';
import { KeplerReader } from '../src/read/kepler-reader.js';
import type { RangeRequest, SampleSource } from '../src/read/sample-source.js';
import { ShardedSource } from '../src/read/sharded-source.js';
import { SCALE_END, SCALE_SCRAPE } from './scale-data.js';
import { gc } from './stats.js';

/** Idle time between the warm-up's forced collection and the first poll (helper threads finish sweeping). */
const SETTLE_MS = 100;

/** What one measured poll cost, and the poller's state after it. */
export interface PollReport {
  readonly wallMs: number;
  /** CPU of the whole process: main thread, V8's GC and compiler helper threads, libuv's pool (gunzip). */
  readonly cpuMs: number;
  /** CPU of the main thread alone. */
  readonly threadMs: number;
  readonly samples: number;
  readonly queries: number;
  /** Heap the warmed ledger retains (heapUsed after collections, minus before warming it; measured once). */
  readonly ledgerHeap: number;
  /** Samples the ledger holds after the poll. */
  readonly ledgerSamples: number;
  /** Per-namespace hours of the last whole hour before SCALE_END (complete after the last poll). */
  readonly hours: readonly HourRow[];
}

/** Samples returned and queries sent through a source. */
class Counting implements SampleSource {
  samples = 0;
  queries = 0;
  constructor(private readonly inner: SampleSource) {}
  async fetchRange(request: RangeRequest, signal?: AbortSignal) {
    this.queries++;
    const out = await this.inner.fetchRange(request, signal);
    for (const s of out) this.samples += s.timestamps.length;
    return out;
  }
  presentMetricNames(names: readonly string[], signal?: AbortSignal) {
    return this.inner.presentMetricNames(names, signal);
  }
  labelValues(label: string, selector: string, start: number, end: number, signal?: AbortSignal) {
    this.queries++;
    return (this.inner.labelValues as NonNullable<SampleSource['labelValues']>).call(this.inner, label, selector, start, end, signal);
  }
  seriesLabels(selector: string, start: number, end: number, signal?: AbortSignal, limit?: number) {
    this.queries++;
    return (this.inner.seriesLabels as NonNullable<SampleSource['seriesLabels']>).call(this.inner, selector, start, end, signal, limit);
  }
}

const [url, readArg, historyArg, pollsArg, shardArg] = process.argv.slice(2);
const readSeconds = Number(readArg);
const history = Number(historyArg);
const polls = Number(pollsArg);
const shard = shardArg === undefined ? undefined : parseShard(shardArg);
if (url === undefined || !(readSeconds > 0) || !(history > polls) || !(polls > 0) || typeof shard === 'string') {
  throw new Error(`usage: scale-poller <url> <read seconds> <history> <polls> [i/N]`);
}
const client = new PrometheusClient({ url, timeoutSeconds: 120 });
const counts = new Counting(new PrometheusSource(client));
const source: SampleSource = shard === undefined ? counts : new ShardedSource(counts, shard);
const reader = new KeplerReader({ source, schema: 'v0.10+', classify: DEFAULT_CLASSIFY_OPTIONS });
const ledgerOptions = { origin: SCALE_END - 3600, windows: [{ label: '5m', seconds: 300 }, { label: '1h', seconds: 3600 }, { label: '24h', seconds: 86_400 }] };
const ledger = new Ledger(ledgerOptions);
/** The end of the window the next poll reads. */
let next = SCALE_END - polls * SCALE_SCRAPE;

/** The ledger warmed with every sample up to the first poll's window; the heap it retains. */
async function warm(): Promise<number> {
  // A throwaway read into a throwaway ledger first: the heap measured below is then the ledger's, not the
  // code and the lazily built tables of a process's first read.
  await ingestInSteps(new Ledger(ledgerOptions), await reader.read(next - 2 * SCALE_SCRAPE, next));
  gc();
  const before = process.memoryUsage().heapUsed;
  await ingestInSteps(ledger, await reader.read(SCALE_END - history * SCALE_SCRAPE - 60, next));
  gc();
  const heap = process.memoryUsage().heapUsed - before;
  await sleep(SETTLE_MS);
  return heap;
}

async function poll(ledgerHeap: number): Promise<PollReport> {
  next += SCALE_SCRAPE;
  if (next > SCALE_END) throw new Error(`more than ${polls} polls asked for`);
  const [s0, q0] = [counts.samples, counts.queries];
  const cpu0 = process.cpuUsage();
  const thread0 = process.threadCpuUsage();
  const t0 = performance.now();
  await ingestInSteps(ledger, await reader.read(next - readSeconds, next));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const thread = process.threadCpuUsage(thread0);
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    threadMs: (thread.user + thread.system) / 1000,
    samples: counts.samples - s0,
    queries: counts.queries - q0,
    ledgerHeap,
    ledgerSamples: ledger.stats().samples,
    hours: ledger.hours('namespace', SCALE_END - 3600, SCALE_END),
  };
}

const ledgerHeap = await warm();
process.on('message', () => {
  poll(ledgerHeap).then(
    (report) => process.send?.(report),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
process.on('disconnect', () => void client.close().then(() => process.exit(0)));
process.send?.('ready');
