/**
 * Ledger ingest throughput and memory at 100k series (Kepler v0.10+-like: pod series in 500
 * namespaces on 100 nodes, plus node series), against a floor loop that only sums the same values.
 */
import { Ledger } from '../src/core/ledger/index.js';
import type { SeriesDescriptor, SeriesSamples } from '../src/core/types.js';
import type { BenchModule, BenchOptions, BenchRow } from './types.js';

const ORIGIN = 1_767_225_600; // 2026-01-01T00:00:00Z
const STEP = 15;
const NODES = 100;
const NAMESPACES = 500;
const WINDOWS = [
  { label: '5m', seconds: 300 },
  { label: '1h', seconds: 3600 },
  { label: '24h', seconds: 86_400 },
];

/** Small seeded PRNG (mulberry32) so every run sees the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function descriptors(count: number): SeriesDescriptor[] {
  const out: SeriesDescriptor[] = [];
  for (let i = 0; i < count; i++) {
    const node = `node-${i % NODES}`;
    const nodeSeries = i < NODES * 2;
    const zone = (nodeSeries ? i < NODES : i % 2 === 0) ? 'package' : 'dram';
    // Build keys fresh (as the classifier does per poll) so the ledger is what retains them.
    const key = ['v0.10+', nodeSeries ? 'node' : 'pod', node, nodeSeries ? '' : `pod-${i.toString(16).padStart(8, '0')}-uid`, zone].join('\u0001');
    out.push({
      key,
      schema: 'v0.10+',
      scope: nodeSeries ? 'node' : 'namespace',
      kind: 'counter',
      toJoules: 1,
      group: nodeSeries ? [node] : [`namespace-${i % NAMESPACES}`],
      node,
      component: zone,
    });
  }
  return out;
}

/** Per series: `perSeries` samples every 15 s from the origin, counters rising at 1–40 W. */
function dataset(count: number, perSeries: number): SeriesSamples[] {
  const rand = prng(42);
  return descriptors(count).map((descriptor) => {
    const timestamps = new Float64Array(perSeries);
    const values = new Float64Array(perSeries);
    let v = rand() * 1e6;
    const watts = 1 + rand() * 39;
    for (let j = 0; j < perSeries; j++) {
      timestamps[j] = ORIGIN + STEP * (j + 1) + (rand() < 0.5 ? 0.001 : 0);
      v += watts * STEP * (0.9 + rand() * 0.2);
      values[j] = Math.round(v * 1000) / 1000;
    }
    return { descriptor, timestamps, values };
  });
}

/** Poll-style batches: each carries `fresh` new samples per series plus one overlapping re-read. */
function pollBatches(data: SeriesSamples[], fresh: number): SeriesSamples[][] {
  const n = data[0]!.timestamps.length;
  const batches: SeriesSamples[][] = [];
  for (let start = 0; start < n; start += fresh) {
    const from = Math.max(0, start - 1);
    const to = Math.min(n, start + fresh);
    batches.push(
      data.map((s) => ({
        descriptor: s.descriptor,
        timestamps: (s.timestamps as Float64Array).subarray(from, to),
        values: (s.values as Float64Array).subarray(from, to),
      })),
    );
  }
  return batches;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function floorLoop(data: SeriesSamples[]): number {
  let sum = 0;
  for (const s of data) {
    const v = s.values;
    for (let j = 0; j < v.length; j++) sum += v[j]!;
  }
  return sum;
}

function timeIt(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('failed to measure heap: run node with --expose-gc (npm run bench)');
  collect();
  collect();
}

function memory(): number {
  gc();
  const u = process.memoryUsage();
  // Typed arrays live outside the JS heap (arrayBuffers); count both.
  return u.heapUsed + u.arrayBuffers;
}

/** A ledger tracking `count` series; built in its own frame so its input is garbage on return. */
function trackedLedger(count: number): Ledger {
  const ledger = new Ledger({ origin: ORIGIN, windows: WINDOWS });
  ledger.ingest(dataset(count, 2));
  if (ledger.stats().series !== count) throw new Error('failed to measure memory: series were not all tracked');
  return ledger;
}

/** Heap plus array buffers retained by a ledger tracking `count` series, per series. */
function bytesPerSeries(count: number): number {
  const before = memory();
  const ledger = trackedLedger(count);
  const after = memory();
  if (ledger.watermark === undefined) throw new Error('unreachable');
  return (after - before) / count;
}

async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const count = 100_000;
  const perSeries = opts.full ? 120 : 30;
  const reps = opts.full ? 7 : 3;
  const data = dataset(count, perSeries);
  const total = count * perSeries;
  const batches = pollBatches(data, 2);

  let sink = 0;
  const floor: number[] = [];
  const backfill: number[] = [];
  const poll: number[] = [];
  for (let r = 0; r < reps + 1; r++) {
    const f = timeIt(() => (sink += floorLoop(data)));
    const b = timeIt(() => new Ledger({ origin: ORIGIN, windows: WINDOWS }).ingest(data));
    const l = new Ledger({ origin: ORIGIN, windows: WINDOWS });
    const p = timeIt(() => {
      for (const batch of batches) l.ingest(batch);
    });
    if (l.stats().samples !== total) throw new Error(`bench ledger accounted ${l.stats().samples} of ${total} samples`);
    if (r === 0) continue; // warm-up
    floor.push(total / f);
    backfill.push(total / b);
    poll.push(total / p);
  }
  if (sink === 0) throw new Error('unreachable');
  const floorRate = median(floor);
  const heap = median([bytesPerSeries(count), bytesPerSeries(count), bytesPerSeries(count)]);
  const size = `${count / 1000}k series × ${perSeries} samples, median of ${reps}`;
  return [
    { name: 'ingest, one backfill batch', figure: median(backfill), unit: 'samples/s', baseline: floorRate, note: `${size}; baseline: loop summing the same values` },
    { name: 'ingest, 30 s polls with 1-sample overlap', figure: median(poll), unit: 'samples/s', baseline: floorRate, note: `${batches.length} batches; figure counts new samples only` },
    { name: 'memory per tracked series', figure: heap, unit: 'bytes', note: `heapUsed + arrayBuffers; ${count / 1000}k series in ${NAMESPACES} namespaces + ${NODES} nodes, keys and group rings included` },
  ];
}

export const coreIngest: BenchModule = { name: 'core-ingest', run };
