/**
 * Issue 16: the re-read factor (samples read per sample accounted) with the adaptive re-read window
 * against the fixed 5 m overlap, and sharding: one steady-state poll of each of 4 shards against the
 * unsharded poll of the same Prometheus (same process, same run), their memory, the query load, and
 * the per-namespace hours of the 4 shards summed against the single ledger's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { Registry } from 'prom-client';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { Ledger } from '../src/core/ledger/index.js';
import { DEFAULT_CLASSIFY_OPTIONS } from '../src/core/schema/index.js';
import { ServiceMetrics } from '../src/exposition/service-metrics.js';
import { createLogger } from '../src/log.js';
import { PrometheusClient } from '../src/prometheus/client.js';
import { PrometheusSource } from '../src/prometheus/source.js';
import { ingestInSteps } from '../src/service/ingest-in-steps.js';
import { KeplerReader } from '../src/service/kepler-reader.js';
import { Poller } from '../src/service/poller.js';
import type { RangeRequest, SampleSource } from '../src/source/sample-source.js';
import { ShardedSource } from '../src/source/sharded-source.js';
import { createBlocksFromOpenMetrics } from '../test/support/blocks.js';
import { LateKepler, type LateNode } from '../test/support/late-kepler.js';
import { startPrometheus } from '../test/support/prometheus-server.js';
import { writeKeplerSeries } from './kepler-series.js';
import { gcIfExposed, mean, median } from './stats.js';
import type { BenchModule, BenchOptions, BenchResult, BenchRow } from './types.js';

const END = 1_767_312_000; // 2026-01-02T00:00:00Z, a whole hour
const SCRAPE = 30;
const INTERVAL = 30;
const OVERLAP = 300;
const SHARDS = 4;
/** Idle time between a forced collection and a measured poll. */
const SETTLE_MS = 100;

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

/** Re-read factor over hours 2–3 of a simulated run: 40 nodes × 10 pods scraped every 30 s, readable 0.2–3 s late. */
async function rereadFactor(adaptive: boolean): Promise<{ factor: number; window: number }> {
  const origin = END - 4 * 3600;
  const clock = { now: origin + 600 };
  const nodes: LateNode[] = Array.from({ length: 40 }, (_, i) => ({ name: `worker-${i}`, offset: (i * 7) % SCRAPE, visibleAt: (t: number) => t + 0.2 + ((i * 13) % 28) / 10 }));
  const source = new LateKepler({ nodes, podsPerNode: 10, scrapeSeconds: SCRAPE, since: origin - 3600, now: () => clock.now });
  const ledger = new Ledger({ origin, windows: [{ label: '1h', seconds: 3600 }] });
  const metrics = new ServiceMetrics('bench');
  const poller = new Poller({
    reader: new KeplerReader({ source, schema: 'v0.10+', classify: DEFAULT_CLASSIFY_OPTIONS }),
    ledger,
    metrics,
    logger: createLogger({ level: 'silent' }),
    labels: { namespaceLabels: ['namespace'], nodeLabels: ['node'] },
    now: () => clock.now,
    intervalSeconds: INTERVAL,
    overlapSeconds: OVERLAP,
    adaptiveOverlap: adaptive,
    lookbackSeconds: 300,
    chunkSeconds: 7200,
  });
  let from = { read: 0, accounted: 0 };
  for (let i = 0; clock.now < origin + 3 * 3600; i++) {
    if (!(await poller.pollOnce())) throw new Error('poll failed');
    if (clock.now < origin + 3600) from = { read: source.samplesReturned, accounted: ledger.stats().samples };
    clock.now += INTERVAL + (i % 5) * 0.05;
  }
  const registry = new Registry();
  metrics.registerIn(registry);
  const window = (await registry.getSingleMetric('energy_ledger_reread_window_seconds')?.get())?.values[0]?.value ?? NaN;
  return { factor: (source.samplesReturned - from.read) / (ledger.stats().samples - from.accounted), window };
}

/** A source to poll and the counts of what it asked Prometheus for (below the shard's node selection). */
interface Reading {
  readonly source: SampleSource;
  readonly counts: Counting;
}

interface PollCost {
  readonly wallMs: number;
  /** CPU of the whole process: main thread, V8's GC and compiler helper threads, libuv's pool (gunzip). */
  readonly cpuMs: number;
  /** CPU of the main thread alone (what the poll's own code runs on). */
  readonly threadMs: number;
  readonly samples: number;
  readonly queries: number;
}

/**
 * One steady-state poll of `source`: read (END − 60, END] (30 s re-read + 30 s interval) or the old 5.5 min,
 * and ingest. Starts from a collected heap that has settled (the sweeping a forced collection leaves to
 * helper threads would otherwise be counted in the poll that follows it).
 */
async function poll({ source, counts }: Reading, ledger: Ledger, readSeconds: number): Promise<PollCost> {
  const reader = new KeplerReader({ source, schema: 'v0.10+', classify: DEFAULT_CLASSIFY_OPTIONS });
  gcIfExposed();
  await sleep(SETTLE_MS);
  const [s0, q0] = [counts.samples, counts.queries];
  const cpu0 = process.cpuUsage();
  const thread0 = process.threadCpuUsage();
  const t0 = performance.now();
  await ingestInSteps(ledger, await reader.read(END - readSeconds, END));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const thread = process.threadCpuUsage(thread0);
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    threadMs: (thread.user + thread.system) / 1000,
    samples: counts.samples - s0,
    queries: counts.queries - q0,
  };
}

/** A ledger holding everything up to END − 30 (a running service before its poll), and the heap it retains. */
async function warm(source: SampleSource, history: number): Promise<{ ledger: Ledger; heap: number }> {
  gcIfExposed();
  const before = process.memoryUsage().heapUsed;
  const ledger = new Ledger({ origin: END - 3600, windows: [{ label: '5m', seconds: 300 }, { label: '1h', seconds: 3600 }, { label: '24h', seconds: 86_400 }] });
  const reader = new KeplerReader({ source, schema: 'v0.10+', classify: DEFAULT_CLASSIFY_OPTIONS });
  await ingestInSteps(ledger, await reader.read(END - history * SCRAPE - 60, END - INTERVAL));
  gcIfExposed();
  return { ledger, heap: process.memoryUsage().heapUsed - before };
}

async function run(opts: BenchOptions): Promise<BenchResult> {
  const rows: BenchRow[] = [];
  const fixed = await rereadFactor(false);
  const adaptive = await rereadFactor(true);
  rows.push({
    name: 're-read factor (samples read ÷ accounted), steady state',
    figure: adaptive.factor,
    unit: '×',
    baseline: fixed.factor,
    note: `adaptive window ${adaptive.window} s (+ a 5 m sweep every 15 min) vs the fixed 5 m overlap; 400 pods on 40 nodes scraped every 30 s, polled every 30 s, samples readable 0.2–3 s late; hours 2–3 of a simulated run; baseline: adaptive_overlap false`,
    goal: { text: '≤ 2.5', met: adaptive.factor <= 2.5 },
  });

  const size = opts.full ? 100_000 : 20_000;
  const history = 40;
  const dir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-scale-'));
  const tables: string[] = [];
  try {
    const file = path.join(dir, 'series.om');
    const written = await writeKeplerSeries(file, { podSeries: size - 400, end: END, count: history, stepSeconds: SCRAPE });
    await createBlocksFromOpenMetrics(file, path.join(dir, 'data'));
    await rm(file);
    opts.log?.(`scale: ${written.series} series × ${history} samples in blocks`);
    const prometheus = await startPrometheus({ storageDir: path.join(dir, 'data') });
    const client = new PrometheusClient({ url: prometheus.url, timeoutSeconds: 120 });
    try {
      const base = new PrometheusSource(client);
      const counted = new Counting(base);
      const single: Reading = { source: counted, counts: counted };
      const shards: Reading[] = Array.from({ length: SHARDS }, (_, index) => {
        const counts = new Counting(base);
        return { source: new ShardedSource(counts, { index, count: SHARDS }), counts };
      });
      const reps = 5;
      const runs: { single: PollCost[]; old: PollCost[]; shards: PollCost[][] } = { single: [], old: [], shards: shards.map(() => []) };
      let heaps = { single: 0, shards: [] as number[] };
      let totals: { single: Ledger; shards: Ledger[] } | undefined;
      for (let r = 0; r <= reps; r++) {
        const one = await warm(single.source, history);
        const old = await warm(single.source, history);
        const parts: Ledger[] = [];
        const shardHeaps: number[] = [];
        for (const s of shards) {
          const warmed = await warm(s.source, history);
          parts.push(warmed.ledger);
          shardHeaps.push(warmed.heap);
        }
        // Each repetition starts one place later in the list, so no poll always follows the same one
        // (the first order measured shards 1 and 3 at 0.38× and shards 0 and 2 at 0.27×, same samples).
        const keep = (into: PollCost[] | undefined) => (cost: PollCost) => void (r > 0 && into?.push(cost)); // r = 0 warms up
        const measurements: (() => Promise<void>)[] = [
          async () => keep(runs.single)(await poll(single, one.ledger, 2 * SCRAPE)),
          async () => keep(runs.old)(await poll(single, old.ledger, OVERLAP + INTERVAL)),
          ...shards.map((s, i) => async () => keep(runs.shards[i])(await poll(s, parts[i] as Ledger, 2 * SCRAPE))),
        ];
        for (let k = 0; k < measurements.length; k++) await (measurements[(k + r) % measurements.length] as () => Promise<void>)();
        if (r === 0) continue;
        heaps = { single: one.heap, shards: shardHeaps };
        totals = { single: one.ledger, shards: parts };
      }
      const med = (xs: PollCost[], k: keyof PollCost) => median(xs.map((c) => c[k]));
      const label = `${size / 1000}k series`;
      const singleMs = med(runs.single, 'wallMs');
      const shardMs = runs.shards.map((r) => med(r, 'wallMs'));
      const worst = Math.max(...shardMs);
      rows.push({
        name: `${label}: one poll, old fixed 5 m overlap`,
        figure: med(runs.old, 'wallMs'),
        unit: 'ms',
        baseline: singleMs,
        note: `read 5.5 min (${med(runs.old, 'samples')} samples) vs the adaptive 1 min (${med(runs.single, 'samples')}); median of ${reps}; baseline: the adaptive poll`,
      });
      rows.push({
        name: `${label}: one poll of the slowest of ${SHARDS} shards`,
        figure: worst,
        unit: 'ms',
        baseline: singleMs,
        note: `read (1 min) + ingest, wall time, median of ${reps}; shards ${shardMs.map((m) => m.toFixed(0)).join(' / ')} ms, ${runs.shards.map((r) => med(r, 'samples')).join(' / ')} samples; baseline: the unsharded poll of the same Prometheus`,
        goal: { text: '≤ 0.3× single', met: worst <= 0.3 * singleMs },
      });
      for (const [kind, key, what] of [
        ['', 'cpuMs', "process.cpuUsage (the poller's whole process: main thread, GC and compiler helpers, gunzip; Prometheus excluded)"],
        [' on the main thread', 'threadMs', 'process.threadCpuUsage of the main thread'],
      ] as const) {
        const singleCpu = med(runs.single, key);
        const perShard = runs.shards.map((r) => med(r, key));
        const shardCpu = Math.max(...perShard);
        rows.push({
          name: `${label}: CPU${kind} of one poll, slowest shard`,
          figure: shardCpu,
          unit: 'ms',
          baseline: singleCpu,
          note: `${what}, median of ${reps} in rotating order; shards ${perShard.map((m) => m.toFixed(0)).join(' / ')} ms (mean ${(mean(perShard) / singleCpu).toFixed(3)}×); baseline: unsharded`,
          goal: { text: '≤ 0.3× single', met: shardCpu <= 0.3 * singleCpu },
        });
      }
      rows.push({
        name: `${label}: ledger heap, largest shard`,
        figure: Math.max(...heaps.shards) / 2 ** 20,
        unit: 'MiB',
        baseline: heaps.single / 2 ** 20,
        note: `heapUsed after gc with the warmed ledger, minus before; shards ${heaps.shards.map((h) => (h / 2 ** 20).toFixed(1)).join(' / ')} MiB; baseline: unsharded`,
      });
      if (totals !== undefined) {
        const sum = new Map<string, number>();
        for (const l of totals.shards) for (const h of l.hours('namespace', END - 3600, END)) sum.set(`${h.labels.join('/')}@${h.hourStart}`, (sum.get(`${h.labels.join('/')}@${h.hourStart}`) ?? 0) + h.joules);
        let worstRel = 0;
        const rowsSingle = totals.single.hours('namespace', END - 3600, END);
        for (const h of rowsSingle) {
          const got = sum.get(`${h.labels.join('/')}@${h.hourStart}`) ?? 0;
          worstRel = Math.max(worstRel, Math.abs(got - h.joules) / Math.abs(h.joules));
        }
        rows.push({
          name: `${label}: per-namespace hours, ${SHARDS} shards summed vs single`,
          figure: worstRel,
          unit: 'rel',
          note: `largest relative difference over ${rowsSingle.length} namespace-hours (${sum.size} summed); samples ${totals.shards.map((l) => l.stats().samples).reduce((a, b) => a + b, 0)} vs ${totals.single.stats().samples}`,
          goal: { text: '≤ 1e-9', met: worstRel <= 1e-9 && sum.size === rowsSingle.length },
        });
      }
      tables.push(
        [
          `| ${label} | queries per poll | samples read per poll | poll wall ms | poll CPU ms | main-thread CPU ms | ledger heap MiB |`,
          '|---|---|---|---|---|---|---|',
          `| unsharded, fixed 5 m overlap | ${med(runs.old, 'queries')} | ${med(runs.old, 'samples')} | ${med(runs.old, 'wallMs').toFixed(0)} | ${med(runs.old, 'cpuMs').toFixed(0)} | ${med(runs.old, 'threadMs').toFixed(0)} | ${(heaps.single / 2 ** 20).toFixed(1)} |`,
          `| unsharded, adaptive | ${med(runs.single, 'queries')} | ${med(runs.single, 'samples')} | ${singleMs.toFixed(0)} | ${med(runs.single, 'cpuMs').toFixed(0)} | ${med(runs.single, 'threadMs').toFixed(0)} | ${(heaps.single / 2 ** 20).toFixed(1)} |`,
          ...runs.shards.map(
            (r, i) => `| shard ${i}/${SHARDS}, adaptive | ${med(r, 'queries')} | ${med(r, 'samples')} | ${med(r, 'wallMs').toFixed(0)} | ${med(r, 'cpuMs').toFixed(0)} | ${med(r, 'threadMs').toFixed(0)} | ${((heaps.shards[i] ?? 0) / 2 ** 20).toFixed(1)} |`,
          ),
        ].join('\n'),
      );
    } finally {
      await client.close();
      await prometheus.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { rows, tables };
}

export const scale: BenchModule = { name: 'scale', run };
