/**
 * Startup backfill (full mode only): rebuild 26 h of 10k Kepler series from a real Prometheus with the
 * service's `Poller` (2 h chunks from origin − 5 min), against the time Prometheus needs to answer the
 * same queries (bodies read, not parsed; detection queries not counted).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ledger } from '../src/core/ledger/index.js';
import { DEFAULT_CLASSIFY_OPTIONS } from '../src/core/schema/index.js';
import { PrometheusClient } from '../src/prometheus/client.js';
import { PrometheusSource } from '../src/prometheus/source.js';
import { ServiceMetrics } from '../src/exposition/service-metrics.js';
import { createLogger } from '../src/log.js';
import { KeplerReader } from '../src/read/kepler-reader.js';
import { Poller } from '../src/service/poller.js';
import { createBlocksFromOpenMetrics } from '../test/support/blocks.js';
import { startPrometheus } from '../test/support/prometheus-server.js';
import { writeKeplerSeries } from './kepler-series.js';
import { floorRead, measure, readForms } from './poll-cost.js';
import type { BenchModule, BenchOptions, BenchRow } from './types.js';

const HOUR = 3600;
const END = 1_767_312_000; // 2026-01-02T00:00:00Z
const CHUNK = 2 * HOUR; // the default prometheus.max_range
const LOOKBACK = 300;

/** The poller's backfill reads: `(origin − lookback, end]` in chunks. */
export function backfillChunks(origin: number, end: number): [number, number][] {
  const chunks: [number, number][] = [];
  for (let from = origin - LOOKBACK; from < end; from += CHUNK) chunks.push([from, Math.min(end, from + CHUNK)]);
  return chunks;
}

/**
 * The service's startup backfill of `hours` hours ending at `end` from the Prometheus at `url`: one
 * `Poller.pollOnce` (detection, then 2 h chunks, each read while the previous one is ingested).
 * Returns the ledger's series count.
 */
export async function backfill(url: string, end: number, hours: number): Promise<number> {
  const client = new PrometheusClient({ url, timeoutSeconds: 300 });
  try {
    const reader = new KeplerReader({ source: new PrometheusSource(client), schema: 'v0.10+', classify: DEFAULT_CLASSIFY_OPTIONS });
    const ledger = new Ledger({ origin: end - hours * HOUR, windows: [{ label: '5m', seconds: 300 }, { label: '1h', seconds: HOUR }, { label: '24h', seconds: 86_400 }] });
    const poller = new Poller({
      reader,
      ledger,
      metrics: new ServiceMetrics('0.0.0-bench'),
      logger: createLogger({ level: 'silent' }),
      labels: { namespaceLabels: ['namespace'], nodeLabels: ['node'] },
      now: () => end,
      intervalSeconds: 30,
      overlapSeconds: 300,
      lookbackSeconds: LOOKBACK,
      chunkSeconds: CHUNK,
    });
    if (!(await poller.pollOnce())) throw new Error('failed to backfill: the poll failed');
    return ledger.stats().series;
  } finally {
    await client.close();
  }
}

/** The same queries, chunk after chunk, bodies only read. */
export async function backfillFloor(url: string, end: number, hours: number): Promise<void> {
  for (const [from, to] of backfillChunks(end - hours * HOUR, end)) await floorRead(url, readForms(from, to), false);
}

async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const hours = 26;
  const step = 30;
  const podSeries = 10_000 - 400;
  const dir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-backfill-'));
  try {
    const file = path.join(dir, 'series.om');
    const count = ((hours * HOUR + LOOKBACK) / step) | 0;
    const written = await writeKeplerSeries(file, { podSeries, end: END, count, stepSeconds: step, labels: 'minimal' });
    await createBlocksFromOpenMetrics(file, path.join(dir, 'data'));
    await rm(file);
    opts.log?.(`backfill: ${written.series} series × ${count} samples in blocks`);
    const prometheus = await startPrometheus({ storageDir: path.join(dir, 'data') });
    try {
      await backfillFloor(prometheus.url, END, 1); // warm-up
      const floor = await measure(() => backfillFloor(prometheus.url, END, hours));
      let series = 0;
      const product = await measure(async () => void (series = await backfill(prometheus.url, END, hours)));
      if (series !== written.series) throw new Error(`backfill tracked ${series} series, want ${written.series}`);
      return [
        {
          name: `10k series, ${hours} h: startup backfill`,
          figure: product.seconds,
          unit: 's',
          baseline: floor.seconds,
          note: `${written.samples.toLocaleString('en-US')} samples at ${step} s, ${backfillChunks(END - hours * HOUR, END).length} chunks of 2 h; baseline: the same queries, bodies read only; longest stall ${product.maxStallMs.toFixed(0)} ms, peak heap ${(product.peakHeap / 2 ** 20).toFixed(0)} MiB`,
        },
      ];
    } finally {
      await prometheus.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const startupBackfill: BenchModule = { name: 'backfill', quick: false, run };
