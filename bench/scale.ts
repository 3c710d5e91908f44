/**
 * Issue 16: the re-read factor (samples read per sample accounted) with the adaptive re-read window
 * against the fixed 5 m overlap, and sharding: consecutive steady-state polls of each of 4 shards against the
 * unsharded poll of the same Prometheus in the same run (each poller in a process of its own, polled one
 * at a time in rotating order), their memory, the query load, and the per-namespace hours of the 4 shards
 * summed against the single ledger's.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { Registry } from 'prom-client';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ledger } from '../src/core/ledger/index.js';
import { DEFAULT_CLASSIFY_OPTIONS } from '../src/core/schema/index.js';
import type { HourRow } from '../src/core/types.js';
import { ServiceMetrics } from '../src/exposition/service-metrics.js';
import { createLogger } from '../src/log.js';
import { KeplerReader } from '../src/read/kepler-reader.js';
import { Poller } from '../src/service/poller.js';
import { createBlocksFromOpenMetrics } from '../test/support/blocks.js';
import { LateKepler, type LateNode } from '../test/support/late-kepler.js';
import { startPrometheus } from '../test/support/prometheus-server.js';
import { writeKeplerSeries } from './kepler-series.js';
import { mean, median } from './stats.js';
import { SCALE_END, SCALE_SCRAPE } from './scale-data.js';
import type { PollReport } from './scale-poller.js';
import type { BenchModule, BenchOptions, BenchResult, BenchRow } from './types.js';

const END = SCALE_END;
const SCRAPE = SCALE_SCRAPE;
const INTERVAL = 30;
const OVERLAP = 300;
const SHARDS = 4;
/** Pause after each measured poll, for Prometheus' own collection of its answer. */
const BETWEEN_POLLS_MS = 1000;

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

/** A poller in a child process of its own (bench/scale-poller.ts). */
interface PollerProcess {
  /** The next steady-state poll (one scrape later than the previous one). */
  poll(): Promise<PollReport>;
  stop(): Promise<void>;
}

/** Starts a poller process reading `readSeconds` per poll for `polls` polls, sharded when `shard` ("i/N") is given. */
async function startPoller(url: string, readSeconds: number, history: number, polls: number, shard?: string): Promise<PollerProcess> {
  const args = [url, String(readSeconds), String(history), String(polls), ...(shard === undefined ? [] : [shard])];
  const child = fork(fileURLToPath(new URL('./scale-poller.ts', import.meta.url)), args, {
    // SCALE_NODE_FLAGS (e.g. `--single-threaded-gc`): node flags for every poller, single and shards alike.
    execArgv: ['--expose-gc', ...(process.env.SCALE_NODE_FLAGS ?? '').split(' ').filter((f) => f !== ''), '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const reply = async <T>(): Promise<T> => {
    // The listener that loses the race is removed (one pair per poll would pile up on the child).
    const settled = new AbortController();
    const { signal } = settled;
    const exited = once(child, 'exit', { signal }).then(([code]) => {
      throw new Error(`scale poller ${shard ?? 'unsharded'} exited with ${String(code)}`);
    });
    exited.catch(() => undefined);
    try {
      return ((await Promise.race([once(child, 'message', { signal }), exited])) as [T])[0];
    } finally {
      settled.abort();
    }
  };
  await reply<'ready'>();
  return {
    async poll() {
      const answer = reply<PollReport>();
      child.send('poll');
      return answer;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
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
    const pollers: PollerProcess[] = [];
    try {
      // Each poller in its own process, as deployed: a shard's heap holds only its own ledger and
      // garbage (in one shared process, every poll paid major collections of all six ledgers).
      // A poller's cost per poll falls over its first polls as V8 tiers its code up: a 25k-series shard
      // settles after about 7 (CPU ms 498, 332, 393, 265, 277, 329, then 221–253 in one 12-poll run), 3.5
      // minutes of a 30 s interval. The first `warmups` polls are left out.
      // Quick mode: fewer polls, for a run of a few minutes (its shard ratios include more of the warm-up).
      const warmups = opts.full ? 8 : 3;
      const reps = opts.full ? 10 : 5;
      const start = (readSeconds: number, shard?: string) => startPoller(prometheus.url, readSeconds, history, warmups + reps, shard).then((p) => (pollers.push(p), p));
      const single = await start(2 * SCRAPE);
      const old = await start(OVERLAP + INTERVAL);
      const shards: PollerProcess[] = [];
      for (let i = 0; i < SHARDS; i++) shards.push(await start(2 * SCRAPE, `${i}/${SHARDS}`));
      const runs: { single: PollReport[]; old: PollReport[]; shards: PollReport[][] } = { single: [], old: [], shards: shards.map(() => []) };
      // One poll at a time, each repetition starting one place later in the list, so no poll always
      // follows the same one. Every poller makes its
      // polls in one process with one ledger, a scrape apart, as the service does: the collections and
      // tier-ups a long-running poller pays are in the figures, the cold start of a fresh one is not.
      const order: [PollerProcess, (r: PollReport) => void][] = [
        [single, (c) => runs.single.push(c)],
        [old, (c) => runs.old.push(c)],
        ...shards.map((s, i): [PollerProcess, (r: PollReport) => void] => [s, (c) => runs.shards[i]?.push(c)]),
      ];
      for (let r = 0; r < warmups + reps; r++) {
        for (let k = 0; k < order.length; k++) {
          const [poller, keep] = order[(k + r) % order.length] as [PollerProcess, (r: PollReport) => void];
          const report = await poller.poll();
          // Prometheus (Go) collects the garbage of the answer it just sent: not during the next measured poll.
          await sleep(opts.full ? BETWEEN_POLLS_MS : BETWEEN_POLLS_MS / 4);
          if (r >= warmups) keep(report);
        }
      }
      const last = (xs: PollReport[]) => xs[xs.length - 1] as PollReport;
      const heaps = { single: median(runs.single.map((c) => c.ledgerHeap)), shards: runs.shards.map((xs) => median(xs.map((c) => c.ledgerHeap))) };
      const totals = { single: last(runs.single), shards: runs.shards.map(last) };
      const med = (xs: PollReport[], k: 'wallMs' | 'cpuMs' | 'threadMs' | 'samples' | 'queries') => median(xs.map((c) => c[k]));
      const label = `${size / 1000}k series`;
      const singleMs = med(runs.single, 'wallMs');
      const shardMs = runs.shards.map((r) => med(r, 'wallMs'));
      const worst = Math.max(...shardMs);
      rows.push({
        name: `${label}: one poll, old fixed 5 m overlap`,
        figure: med(runs.old, 'wallMs'),
        unit: 'ms',
        baseline: singleMs,
        note: `read 5.5 min (${med(runs.old, 'samples')} samples) vs the adaptive 1 min (${med(runs.single, 'samples')}); median of ${reps} after ${warmups} warm-up polls; baseline: the adaptive poll`,
      });
      rows.push({
        name: `${label}: one poll of the slowest of ${SHARDS} shards`,
        figure: worst,
        unit: 'ms',
        baseline: singleMs,
        note: `read (1 min) + ingest, wall time, median of ${reps} after ${warmups} warm-up polls; shards ${shardMs.map((m) => m.toFixed(0)).join(' / ')} ms, ${runs.shards.map((r) => med(r, 'samples')).join(' / ')} samples; baseline: the unsharded poll of the same Prometheus`,
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
          note: `${what}, median of ${reps} after ${warmups} warm-up polls in rotating order; shards ${perShard.map((m) => m.toFixed(0)).join(' / ')} ms (mean ${(mean(perShard) / singleCpu).toFixed(3)}×); baseline: unsharded`,
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
      const sum = new Map<string, number>();
      const key = (h: HourRow) => `${h.labels.join('/')}@${h.hourStart}`;
      for (const report of totals.shards) for (const h of report.hours) sum.set(key(h), (sum.get(key(h)) ?? 0) + h.joules);
      let worstRel = 0;
      for (const h of totals.single.hours) worstRel = Math.max(worstRel, Math.abs((sum.get(key(h)) ?? 0) - h.joules) / Math.abs(h.joules));
      rows.push({
        name: `${label}: per-namespace hours, ${SHARDS} shards summed vs single`,
        figure: worstRel,
        unit: 'rel',
        note: `largest relative difference over ${totals.single.hours.length} namespace-hours (${sum.size} summed); samples ${totals.shards.reduce((a, r) => a + r.ledgerSamples, 0)} vs ${totals.single.ledgerSamples}`,
        goal: { text: '≤ 1e-9', met: worstRel <= 1e-9 && sum.size === totals.single.hours.length },
      });
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
      for (const p of pollers) await p.stop();
      await prometheus.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { rows, tables };
}

export const scale: BenchModule = { name: 'scale', run };
