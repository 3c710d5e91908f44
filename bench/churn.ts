/**
 * Namespace churn (issue 17): 35 simulated days with 10,000 new short-lived namespaces a day (CI jobs of
 * 20 minutes, two series each) next to 200 steady namespaces on 50 nodes, fed to the ledger directly
 * (core, synthetic counters at a 60 s step, one batch per simulated hour) with the default windows,
 * retention and a UTC calendar. The run starts on 15 January so that it crosses a month end, where the
 * namespaces of the previous month leave `month_to_date`. Prints per day the peak and retained memory,
 * the RSS, the groups the ledger holds and the namespaces a snapshot publishes.
 */
import { buildSnapshot, Ledger, type LedgerOptions } from '../src/core/ledger/index.js';
import { ledgerCalendar } from '../src/calendar/ledger-calendar.js';
import { compileNamespaceRelabel } from '../src/core/schema/index.js';
import type { SeriesDescriptor, SeriesSamples } from '../src/core/types.js';
import type { BenchModule, BenchRow } from './types.js';

const START = Date.UTC(2026, 0, 15) / 1000;
const H = 3600;
const D = 86_400;
const STEP = 60;
const LIFE = 20 * 60;
const NODES = 50;
const STEADY = 200;
const MIB = 2 ** 20;

/** Shape of one churn run. */
export interface ChurnOptions {
  readonly days: number;
  readonly perDay: number;
  /** Apply `namespace_relabel` `ci-.*` → `ci` (as the example config does). */
  readonly relabel?: boolean;
  readonly log?: (line: string) => void;
  /** Collect garbage before the retained figure (default true; needs node --expose-gc). */
  readonly collect?: boolean;
}

/** One day of a churn run. */
export interface ChurnDay {
  readonly day: number;
  /** Peak of heapUsed + arrayBuffers sampled after every batch and after the snapshot (no forced GC), MiB. */
  readonly peakHeapMiB: number;
  /** The same sampled after the batches only (ingest and eviction), MiB. */
  readonly ingestPeakMiB: number;
  /** heapUsed + arrayBuffers after a full GC at the day's end, MiB. */
  readonly retainedMiB: number;
  /** Highest RSS sampled during the day, MiB. */
  readonly peakRssMiB: number;
  /** Namespace groups the ledger holds at the day's end. */
  readonly groups: number;
  /** Namespaces a snapshot publishes at the day's end. */
  readonly published: number;
  /** Wall time of the day's ingest, seconds. */
  readonly seconds: number;
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('failed to measure heap: run node with --expose-gc (npm run bench)');
  collect();
  collect();
}

const heap = (): number => {
  const u = process.memoryUsage();
  return u.heapUsed + u.arrayBuffers;
};

/** A CI job: namespace `ci-<day>-<i>`, starting at a 60 s boundary of its day, with its power. */
function job(day: number, i: number, perDay: number): { name: string; start: number; watts: number } {
  const slot = Math.floor(((i + 0.5) / perDay) * ((D - LIFE) / STEP));
  return { name: `ci-${day}-${i.toString(36)}`, start: START + day * D + slot * STEP, watts: 5 + ((i * 7919) % 46) };
}

function series(key: string, group: string, node: string, scope: 'namespace' | 'node', zone: string, timestamps: number[], values: number[]): SeriesSamples {
  const descriptor: SeriesDescriptor = { key: `${scope}\u0001${node}\u0001${key}\u0001${zone}`, schema: 'v0.10+', scope, kind: 'counter', toJoules: 1, group: [group], node, component: 'package' };
  return { descriptor, timestamps, values };
}

/** The samples of `(from, to]`, built afresh (as a poll would classify them). */
function hourBatch(from: number, to: number, perDay: number, groupOf: (ns: string) => string): SeriesSamples[] {
  const out: SeriesSamples[] = [];
  const times: number[] = [];
  for (let t = from + STEP; t <= to; t += STEP) times.push(t);
  for (let s = 0; s < STEADY; s++) {
    for (const zone of ['package', 'dram']) {
      out.push(series(`steady-${s}`, groupOf(`team-${s}`), `node-${s % NODES}`, 'namespace', zone, times, times.map((t) => (t - START) * (2 + (s % 9)))));
    }
  }
  for (let n = 0; n < NODES; n++) {
    for (const zone of ['package', 'dram']) out.push(series(`node-${n}`, `node-${n}`, `node-${n}`, 'node', zone, times, times.map((t) => (t - START) * 300)));
  }
  const firstDay = Math.floor((from - LIFE - START) / D);
  for (let day = Math.max(0, firstDay); START + day * D <= to; day++) {
    for (let i = 0; i < perDay; i++) {
      const j = job(day, i, perDay);
      if (j.start + LIFE <= from || j.start > to) continue;
      const ts: number[] = [];
      for (let t = j.start; t <= j.start + LIFE; t += STEP) if (t > from && t <= to) ts.push(t);
      if (ts.length === 0) continue;
      for (const zone of ['package', 'dram']) {
        out.push(series(`${j.name}-pod`, groupOf(j.name), `node-${i % NODES}`, 'namespace', zone, ts, ts.map((t) => (t - j.start) * j.watts)));
      }
    }
  }
  return out;
}

/** Runs the churn scenario and returns one row per simulated day. */
export function runChurn(opts: ChurnOptions): ChurnDay[] {
  const relabel = opts.relabel === true ? compileNamespaceRelabel([{ regex: 'ci-.*', replacement: 'ci' }]) : (ns: string) => ns;
  const options: LedgerOptions = {
    origin: START - D,
    windows: [
      { label: '5m', seconds: 300 },
      { label: '1h', seconds: H },
      { label: '24h', seconds: D },
    ],
    calendar: ledgerCalendar('UTC'),
  };
  // Start from a collected heap: garbage of an earlier run in the process (the defaults run's whole
  // ledger, before the relabel run) would otherwise count in this run's first day.
  if (opts.collect !== false) gc();
  const ledger = new Ledger(options);
  const days: ChurnDay[] = [];
  for (let day = 0; day < opts.days; day++) {
    const t0 = performance.now();
    let peakHeap = 0;
    let peakRss = 0;
    for (let h = 0; h < 24; h++) {
      const from = START + day * D + h * H;
      ledger.ingest(hourBatch(from, from + H, opts.perDay, relabel));
      const u = process.memoryUsage();
      peakHeap = Math.max(peakHeap, u.heapUsed + u.arrayBuffers);
      peakRss = Math.max(peakRss, u.rss);
    }
    const seconds = (performance.now() - t0) / 1000;
    const ingestPeak = peakHeap;
    const published = buildSnapshot(ledger, { namespaceLabels: ['namespace'], nodeLabels: ['node'] }).namespaces.length;
    const u = process.memoryUsage();
    peakHeap = Math.max(peakHeap, u.heapUsed + u.arrayBuffers);
    peakRss = Math.max(peakRss, u.rss);
    if (opts.collect !== false) gc();
    const row: ChurnDay = {
      day: day + 1,
      peakHeapMiB: peakHeap / MIB,
      ingestPeakMiB: ingestPeak / MIB,
      retainedMiB: heap() / MIB,
      peakRssMiB: peakRss / MIB,
      groups: ledger.groups('namespace').length,
      published,
      seconds,
    };
    days.push(row);
    opts.log?.(`churn day ${row.day}: peak ${row.peakHeapMiB.toFixed(0)} MiB (ingest ${row.ingestPeakMiB.toFixed(0)} MiB), retained ${row.retainedMiB.toFixed(0)} MiB, RSS ${row.peakRssMiB.toFixed(0)} MiB, ${row.groups} groups, ${row.published} published, ${row.seconds.toFixed(1)} s`);
  }
  return days;
}

function table(rows: readonly ChurnDay[]): string {
  const date = (d: number): string => new Date((START + (d - 1) * D) * 1000).toISOString().slice(0, 10);
  const lines = [
    '| day | date (UTC) | peak heap MiB | of it during ingest | retained heap MiB | peak RSS MiB | groups held | namespaces published | ingest s |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.day} | ${date(r.day)} | ${r.peakHeapMiB.toFixed(0)} | ${r.ingestPeakMiB.toFixed(0)} | ${r.retainedMiB.toFixed(0)} | ${r.peakRssMiB.toFixed(0)} | ${r.groups} | ${r.published} | ${r.seconds.toFixed(1)} |`);
  }
  return lines.join('\n');
}

export const churn: BenchModule = {
  name: 'churn',
  quick: false,
  async run({ log }) {
    const days = Number(process.env.CHURN_DAYS ?? 35);
    const perDay = Number(process.env.CHURN_PER_DAY ?? 10_000);
    const plain = runChurn({ days, perDay, log });
    const peak = Math.max(...plain.map((d) => d.peakHeapMiB));
    const lastWeek = plain.slice(-7);
    const rows: BenchRow[] = [
      {
        name: `${days} days × ${perDay} namespaces/day: peak heap (heapUsed + arrayBuffers)`,
        figure: peak,
        unit: 'MiB',
        goal: { text: '≤ 256 MiB', met: peak <= 256 },
        note: `retained after GC on the last day ${plain.at(-1)!.retainedMiB.toFixed(0)} MiB; peak RSS ${Math.max(...plain.map((d) => d.peakRssMiB)).toFixed(0)} MiB`,
      },
      {
        name: 'groups held on the last day vs its peak',
        figure: plain.at(-1)!.groups,
        unit: 'groups',
        baseline: Math.max(...plain.map((d) => d.groups)),
        note: `last 7 days ${Math.min(...lastWeek.map((d) => d.groups))}–${Math.max(...lastWeek.map((d) => d.groups))}`,
      },
    ];
    const relabeled = runChurn({ days: Math.min(days, 7), perDay, relabel: true, log });
    rows.push({
      name: `with namespace_relabel ci-.* → ci, ${Math.min(days, 7)} days: peak heap`,
      figure: Math.max(...relabeled.map((d) => d.peakHeapMiB)),
      unit: 'MiB',
      note: `${relabeled.at(-1)!.groups} groups, ${relabeled.at(-1)!.published} published`,
    });
    return { rows, tables: [`defaults\n\n${table(plain)}`, `namespace_relabel ci-.* → ci\n\n${table(relabeled)}`] };
  },
};
