/**
 * The start-up restore of a whole month (744 h) at 10k series and 5k namespaces (full mode only; issue 12),
 * beside `restore.ts` (25 h from a real Prometheus, the calibration of the server side):
 * - raw path: 744 h of the 10k-series cluster (`cluster-scenario.ts`, 893M samples, beyond promtool here)
 *   served by the simulated Prometheus API in a child process (the simulator's first hours shifted in
 *   time, checked against it once a day: `periodic-source.ts`), read by the real restore code (`KeplerReader` over `PrometheusSource`, `HourReader`); plus the server alone on the
 *   same requests (no ledger), to tell its share;
 * - history path: 744 h of the service's own published hours in a real Prometheus (promtool blocks),
 *   read back by `fillFromHistory`.
 */
import { loadavg, tmpdir } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { RestoredHours } from '../src/core/ledger/index.js';
import { DEFAULT_CLASSIFY_OPTIONS } from '../src/core/schema/index.js';
import { PrometheusClient } from '../src/prometheus/client.js';
import { PrometheusSource } from '../src/prometheus/source.js';
import { HourReader } from '../src/read/hour-reader.js';
import { KeplerReader } from '../src/read/kepler-reader.js';
import { createBlocksFromOpenMetrics } from '../test/support/blocks.js';
import { startPrometheus } from '../test/support/prometheus-server.js';
import { CLUSTER_NAMESPACES } from './cluster-scenario.js';
import { floorRead, measure, readForms, type OpCost } from './poll-cost.js';
import { writePublishedHistory } from './published-history.js';
import { fillFromPublishedHistory } from './restore.js';
import { forkSimulatedPrometheus, type SimulatedPrometheusProcess } from './simulated-prometheus-process.js';
import type { ServeStats } from './simulated-prometheus-api.js';
import type { BenchModule, BenchOptions, BenchRow } from './types.js';

const HOUR = 3600;
const END = 1_767_312_000; // 2026-01-02T00:00:00Z
const MONTH_HOURS = 744;
const NODES = 100;
const EDGE_SECONDS = 300;
const CHUNK_SECONDS = 2 * HOUR;
/** Hours the server is timed alone on (the restore's requests of the first day, without the ledger). */
const FLOOR_HOURS = 6;

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' / ');

/** Sum of every restored namespace-hour, µJ (exact): equal sums, same results. */
function totalMicroJoules(hours: RestoredHours): bigint {
  let sum = 0n;
  for (const g of hours.groups('namespace')) for (const m of g.microJoules) sum += BigInt(m);
  return sum;
}

/** What a raw restore read: the restored hours (all asked for, or those read before its budget ran out). */
interface RawRead {
  readonly hours: RestoredHours;
  /** Hours read whole. */
  readonly hoursRead: number;
  readonly complete: boolean;
}

/**
 * The raw restore of `hours` hours ending at `restoreTo`, as `restoreHours` runs it. With a budget it
 * stops when the budget runs out and tells the hours read whole. `log` hears the progress every day read.
 */
async function rawRestore(url: string, restoreTo: number, hours: number, budgetSeconds: number | undefined, log: (line: string) => void): Promise<RawRead> {
  const client = new PrometheusClient({ url, timeoutSeconds: 300 });
  const from = restoreTo - hours * HOUR;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  let readTo = from;
  let nextLog = from + 24 * HOUR;
  try {
    const reader = new KeplerReader({ source: new PrometheusSource(client), schema: 'v0.10+', classify: DEFAULT_CLASSIFY_OPTIONS });
    const hoursReader = new HourReader({
      read: (a, b, s) => reader.read(a, b, s),
      from,
      to: restoreTo,
      edgeSeconds: EDGE_SECONDS,
      chunkSeconds: CHUNK_SECONDS,
      maxSeriesPowerWatts: 5000,
      onChunk: (_batch, done) => {
        const first = from - EDGE_SECONDS;
        readTo = Math.min(restoreTo, Math.floor((first + done * (restoreTo + EDGE_SECONDS - first)) / HOUR) * HOUR);
        if (readTo < nextLog) return;
        nextLog += 24 * HOUR;
        const cpu = process.cpuUsage(cpu0);
        const m = process.memoryUsage();
        log(`${(readTo - from) / HOUR} h read in ${((performance.now() - started) / 1000).toFixed(0)} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s, heap ${mib(m.heapUsed)}, + array buffers ${mib(m.heapUsed + m.arrayBuffers)}, load ${load()}`);
      },
    });
    const signal = budgetSeconds === undefined ? undefined : AbortSignal.timeout(budgetSeconds * 1000);
    try {
      const ledger = await hoursReader.read(signal);
      return { hours: RestoredHours.fromLedger(ledger, from, restoreTo), hoursRead: hours, complete: true };
    } catch (error) {
      if (signal?.aborted !== true) throw error;
      // The hour being read when the budget ran out is not whole: stop before it.
      const whole = Math.max(0, (readTo - from) / HOUR - 1);
      return { hours: RestoredHours.fromLedger(hoursReader.ledger, from, from + whole * HOUR), hoursRead: whole, complete: false };
    }
  } finally {
    await client.close();
  }
}

/** Serving cost between two stats readings. */
function served(a: ServeStats, b: ServeStats): ServeStats {
  return { cpuSeconds: b.cpuSeconds - a.cpuSeconds, busySeconds: b.busySeconds - a.busySeconds, queries: b.queries - a.queries, samples: b.samples - a.samples, bytes: b.bytes - a.bytes };
}

interface RawMeasure extends RawRead {
  readonly cost: OpCost;
  readonly server: ServeStats;
  readonly load: string;
}

async function measureRaw(sim: SimulatedPrometheusProcess, restoreTo: number, hours: number, budgetSeconds: number | undefined, log: (line: string) => void): Promise<RawMeasure> {
  const before = await sim.stats();
  const loadBefore = load();
  let read: RawRead | undefined;
  const cost = await measure(async () => {
    read = await rawRestore(sim.url, restoreTo, hours, budgetSeconds, log);
  });
  return { ...read!, cost, server: served(before, await sim.stats()), load: `${loadBefore} → ${load()}` };
}

function rawRow(label: string, m: RawMeasure, extra: string): BenchRow {
  const { cost, server } = m;
  const namespaces = m.hours.groups('namespace').length;
  return {
    name: `raw path: ${label}${m.complete ? '' : `, stopped by the time budget after ${m.hoursRead} h read whole`} (simulated Prometheus API)`,
    figure: cost.seconds,
    unit: 's',
    note:
      `${namespaces} namespaces; ${(server.samples / 1e6).toFixed(1)}M samples, ${(server.samples / cost.seconds / 1e6).toFixed(2)}M samples/s; ` +
      `CPU ${cost.cpuSeconds.toFixed(0)} s; peak heap ${mib(cost.peakHeap)}, heap + array buffers ${mib(cost.peakMemory)}; ` +
      `server: ${server.busySeconds.toFixed(0)} s computing answers, CPU ${server.cpuSeconds.toFixed(0)} s, ${(server.bytes / 2 ** 30).toFixed(1)} GiB JSON; ` +
      `total ${totalMicroJoules(m.hours)} µJ; load ${m.load}${extra}`,
  };
}

async function runRaw(opts: BenchOptions): Promise<BenchRow[]> {
  const restoreTo = END - HOUR;
  const from = restoreTo - MONTH_HOURS * HOUR;
  // Two hours before the edge: the first is the simulator's warm-up, the second the periodic base.
  const sim = await forkSimulatedPrometheus(from - 2 * HOUR, END);
  const rows: BenchRow[] = [];
  const add = (row: BenchRow): void => {
    rows.push(row);
    opts.log?.(`restore-month-raw: ${row.name}: ${row.figure.toFixed(1)} ${row.unit}; ${row.note ?? ''}`);
  };
  const log = (line: string): void => opts.log?.(`restore-month-raw: ${line}`);
  // On a loaded machine a month may not fit the time there is: RESTORE_MONTH_BUDGET_SECONDS stops the
  // month's read there (the row then tells the hours read whole).
  const budget = process.env.RESTORE_MONTH_BUDGET_SECONDS === undefined ? undefined : Number(process.env.RESTORE_MONTH_BUDGET_SECONDS);
  try {
    // The server alone first (its share), then the month, then the same 25 h as restore.ts reads from a
    // real Prometheus (the calibration of the simulated server) unless a budget is set.
    const floorStart = from - EDGE_SECONDS;
    const before = await sim.stats();
    const floor = await measure(async () => {
      for (let t = floorStart; t < floorStart + FLOOR_HOURS * HOUR; t += CHUNK_SECONDS) await floorRead(sim.url, readForms(t, t + CHUNK_SECONDS), false);
    });
    const floorServer = served(before, await sim.stats());
    add({
      name: `simulated Prometheus alone: the raw restore's requests of ${FLOOR_HOURS} h, bodies only read (no ledger)`,
      figure: floor.seconds,
      unit: 's',
      note: `${(floorServer.samples / 1e6).toFixed(1)}M samples, ${(floorServer.samples / floor.seconds / 1e6).toFixed(2)}M samples/s; server CPU ${floorServer.cpuSeconds.toFixed(0)} s (${((floorServer.cpuSeconds / floorServer.samples) * 1e6).toFixed(2)} µs per sample); load ${load()}`,
    });
    const month = await measureRaw(sim, restoreTo, MONTH_HOURS, budget, log);
    add(rawRow(`${MONTH_HOURS} h (a month) of 10k series, ${CLUSTER_NAMESPACES} namespaces`, month, ''));
    if (budget === undefined) {
      const day = await measureRaw(sim, restoreTo, 25, undefined, log);
      add(rawRow('25 h of 10k series, 5k namespaces', day, '; compare the real-Prometheus row of `restore`'));
    }
    return rows;
  } finally {
    await sim.stop();
  }
}

/** Prometheus' own CPU time so far (`process_cpu_seconds_total` on its /metrics), seconds. */
async function prometheusCpuSeconds(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = /^process_cpu_seconds_total (\S+)$/m.exec(text);
  if (line === null) throw new Error('Prometheus /metrics has no process_cpu_seconds_total');
  return Number(line[1]);
}

async function runHistory(opts: BenchOptions): Promise<BenchRow[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-restore-month-'));
  try {
    const hours = MONTH_HOURS + 1;
    const file = path.join(dir, 'history.om');
    const t0 = performance.now();
    const samples = await writePublishedHistory(file, { end: END, hours, namespaces: CLUSTER_NAMESPACES, nodes: NODES });
    // promtool reads the whole file once per block: blocks of up to 486 h (its largest step below 31 d) take two reads.
    await createBlocksFromOpenMetrics(file, path.join(dir, 'data'), { maxBlockDuration: '744h' });
    await rm(file);
    const loadSeconds = (performance.now() - t0) / 1000;
    opts.log?.(`restore-month-history: ${(samples / 1e6).toFixed(1)}M samples in blocks in ${loadSeconds.toFixed(0)} s`);
    const prometheus = await startPrometheus({ storageDir: path.join(dir, 'data'), retention: '90d' });
    const client = new PrometheusClient({ url: prometheus.url, timeoutSeconds: 300 });
    try {
      const from = END - hours * HOUR;
      const table = new RestoredHours(from, from + MONTH_HOURS * HOUR);
      let taken: number | undefined;
      const loadBefore = load();
      const prometheusCpu0 = await prometheusCpuSeconds(prometheus.url);
      const cost = await measure(async () => {
        taken = await fillFromPublishedHistory(client, table);
      });
      const prometheusCpu = (await prometheusCpuSeconds(prometheus.url)) - prometheusCpu0;
      if (taken !== from || table.groups('namespace').length !== CLUSTER_NAMESPACES) throw new Error(`history restored ${table.groups('namespace').length} namespaces from ${taken}`);
      return [
        {
          name: `history path: ${MONTH_HOURS} h (a month) of ${CLUSTER_NAMESPACES} namespaces + ${NODES} nodes from a real Prometheus`,
          figure: cost.seconds,
          unit: 's',
          note: `${(samples / 1e6).toFixed(1)}M published samples (promtool + write ${loadSeconds.toFixed(0)} s); 3 queries per hour, 4 hours at a time; CPU ${cost.cpuSeconds.toFixed(0)} s (Prometheus ${prometheusCpu.toFixed(0)} s); peak heap ${mib(cost.peakHeap)}, heap + array buffers ${mib(cost.peakMemory)}; load ${loadBefore} → ${load()}`,
        },
      ];
    } finally {
      await client.close();
      await prometheus.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Raw path over a month, from the simulated Prometheus API. */
export const restoreMonthRaw: BenchModule = { name: 'restore-month-raw', quick: false, run: runRaw };
/** History path over a month, from a real Prometheus. */
export const restoreMonthHistory: BenchModule = { name: 'restore-month-history', quick: false, run: runHistory };
