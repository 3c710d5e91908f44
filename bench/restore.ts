/**
 * Start-up restore (full mode only), beside the 26 h backfill of `backfill.ts`: the hours before the
 * backfill read back from a real Prometheus, by the raw path (26 h × 10k Kepler series, 5k namespaces,
 * through the restore's `HourReader`) and by the history path (the service's own published hours of
 * 5k namespaces + 100 nodes, one hour per query set), each with its peak heap; and the memory a month of
 * restored hours holds at 5k namespaces. A month is 744 h: both paths read hour after hour, so their
 * time scales linearly with the hours (the figures give the month estimate in the note).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RestoredHours } from '../src/core/ledger/index.js';
import { DEFAULT_CLASSIFY_OPTIONS } from '../src/core/schema/index.js';
import { createLogger } from '../src/log.js';
import { PrometheusClient } from '../src/prometheus/client.js';
import { PrometheusSource } from '../src/prometheus/source.js';
import { HourReader } from '../src/read/hour-reader.js';
import { KeplerReader } from '../src/read/kepler-reader.js';
import { abortableSleep } from '../src/service/poller.js';
import { fillFromHistory } from '../src/service/restore.js';
import { createBlocksFromOpenMetrics } from '../test/support/blocks.js';
import { startPrometheus } from '../test/support/prometheus-server.js';
import { backfill } from './backfill.js';
import { writeKeplerSeries } from './kepler-series.js';
import { measure } from './poll-cost.js';
import { writePublishedHistory } from './published-history.js';
import type { BenchModule, BenchOptions, BenchRow } from './types.js';

const HOUR = 3600;
const END = 1_767_312_000; // 2026-01-02T00:00:00Z
const MONTH_HOURS = 744;
const NAMESPACES = 5000;
const NODES = 100;

/** The history path of the restore as `restoreHours` runs it, with no raw hours: fills `table`, returns the earliest hour taken. */
export function fillFromPublishedHistory(client: PrometheusClient, table: RestoredHours): Promise<number | undefined> {
  return fillFromHistory(
    {
      history: { prometheus: client, serviceSelector: '{job="energy-ledger"}', namespaceLabels: ['namespace'], nodeLabels: ['node'] },
      hours: table,
      firstRaw: undefined,
      logger: createLogger({ level: 'silent' }),
      onMismatch: () => undefined,
      onError: () => undefined,
      sleep: abortableSleep,
      retrySeconds: 1,
    },
    new AbortController().signal,
  );
}

/** Retained heap of a month of restored hours at 5k namespaces and 100 nodes, bytes. */
function monthTableBytes(): number {
  globalThis.gc?.();
  const before = process.memoryUsage();
  const table = new RestoredHours(END - MONTH_HOURS * HOUR, END);
  for (let n = 0; n < NAMESPACES; n++) for (let h = 0; h < MONTH_HOURS; h++) table.set('namespace', [`namespace-${n}`], END - (h + 1) * HOUR, 1 + h);
  for (let n = 0; n < NODES; n++) for (let h = 0; h < MONTH_HOURS; h++) table.set('node', [`node-${n}`], END - (h + 1) * HOUR, 1 + h);
  globalThis.gc?.();
  const after = process.memoryUsage();
  if (table.groups('namespace').length !== NAMESPACES) throw new Error('month table lost groups');
  return after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
}

async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const hours = 26;
  const step = 30;
  const dir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-restore-'));
  const rows: BenchRow[] = [];
  try {
    const file = path.join(dir, 'series.om');
    const count = ((hours * HOUR + 600) / step) | 0;
    const written = await writeKeplerSeries(file, { podSeries: 10_000 - 400, namespaces: NAMESPACES, end: END, count, stepSeconds: step, labels: 'minimal' });
    const history = path.join(dir, 'history.om');
    await writePublishedHistory(history, { end: END, hours, namespaces: NAMESPACES, nodes: NODES });
    await createBlocksFromOpenMetrics(file, path.join(dir, 'data'));
    await createBlocksFromOpenMetrics(history, path.join(dir, 'data'));
    await rm(file);
    opts.log?.(`restore: ${written.series} series × ${count} samples and ${hours} h of published history in blocks`);
    const prometheus = await startPrometheus({ storageDir: path.join(dir, 'data') });
    const client = new PrometheusClient({ url: prometheus.url, timeoutSeconds: 300 });
    try {
      const from = END - hours * HOUR;
      const to = END - 600;
      const restoreTo = Math.floor(to / HOUR) * HOUR;
      const base = await measure(() => backfill(prometheus.url, END, hours));
      let groups = 0;
      const raw = await measure(async () => {
        const reader = new KeplerReader({ source: new PrometheusSource(client), schema: 'v0.10+', classify: DEFAULT_CLASSIFY_OPTIONS });
        const hoursReader = new HourReader({ read: (a, b, s) => reader.read(a, b, s), from, to: restoreTo, edgeSeconds: 300, chunkSeconds: 2 * HOUR, maxSeriesPowerWatts: 5000 });
        groups = RestoredHours.fromLedger(await hoursReader.read(), from, restoreTo).groups('namespace').length;
      });
      const rawHours = (restoreTo - from) / HOUR;
      rows.push({
        name: `10k series, ${NAMESPACES} namespaces, ${rawHours} h: restore by the raw path`,
        figure: raw.seconds,
        unit: 's',
        baseline: base.seconds,
        note: `${groups} namespaces restored; peak heap ${(raw.peakHeap / 2 ** 20).toFixed(0)} MiB (backfill ${(base.peakHeap / 2 ** 20).toFixed(0)} MiB); a month (744 h) ≈ ${((raw.seconds * MONTH_HOURS) / rawHours / 60).toFixed(1)} min at the same rate, heap bounded by two 2 h chunks + the hour table; baseline: the 26 h startup backfill of the same series`,
      });
      const historyHours = hours - 1;
      const table = new RestoredHours(from, from + historyHours * HOUR);
      let taken: number | undefined;
      const hist = await measure(async () => {
        taken = await fillFromPublishedHistory(client, table);
      });
      if (taken !== from || table.groups('namespace').length !== NAMESPACES) throw new Error(`history restored ${table.groups('namespace').length} namespaces from ${taken}`);
      rows.push({
        name: `${NAMESPACES} namespaces + ${NODES} nodes, ${historyHours} h: restore by the history path`,
        figure: hist.seconds,
        unit: 's',
        baseline: base.seconds,
        note: `3 queries per hour, 4 hours at a time; peak heap ${(hist.peakHeap / 2 ** 20).toFixed(0)} MiB; a month (744 h) ≈ ${((hist.seconds * MONTH_HOURS) / historyHours).toFixed(0)} s at the same rate; baseline: the 26 h startup backfill of 10k series`,
      });
      rows.push({ name: `restored hours of a month at ${NAMESPACES} namespaces + ${NODES} nodes: retained heap`, figure: monthTableBytes() / 2 ** 20, unit: 'MiB', note: `${MONTH_HOURS} hourly totals per group (Float64Array), never per series` });
      return rows;
    } finally {
      await client.close();
      await prometheus.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const startupRestore: BenchModule = { name: 'restore', quick: false, run };
