/**
 * Accuracy against the ground truth: scenarios written into a real Prometheus (promtool blocks), then
 * per namespace-hour the ledger (KeplerReader over PrometheusSource, as `report` runs it) against
 * `sum by (ns) (increase(m[1h]))` and Kepler's former rule `increase(m[1h:15s])`, both at each hour's end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ledger } from '../src/core/ledger/index.js';
import { DEFAULT_CLASSIFY_OPTIONS, schemaSpec } from '../src/core/schema/index.js';
import { SCHEMAS, type SchemaId } from '../src/core/types.js';
import { PrometheusClient } from '../src/prometheus/client.js';
import { PrometheusSource } from '../src/prometheus/source.js';
import { KeplerReader } from '../src/read/kepler-reader.js';
import { truth, writeOpenMetrics } from '../src/sim/index.js';
import { createBlocksFromOpenMetrics } from '../test/support/blocks.js';
import { startPrometheus } from '../test/support/prometheus-server.js';
import { ACCURACY_SCENARIOS, accuracyRun, GPU_SCENARIO, promqlForms, type AccuracyRun } from './accuracy-scenarios.js';
import { mean, percentile } from './stats.js';
import type { BenchModule, BenchOptions, BenchResult, BenchRow } from './types.js';

const HOUR = 3600;
/** 2026-01-01T00:00:00Z; every run gets its own 4-day slot after it, so one Prometheus holds them all. */
const BASE = 1_767_225_600;
const SLOT = 4 * 86_400;
/** The ledger reads this much before the first hour (baselines of running series) and after the last. */
const EDGE = 300;

/** Error figures of one method over the namespace-hours of one run; relative errors are fractions. */
export interface ErrorSummary {
  readonly mean: number;
  readonly p95: number;
  readonly max: number;
  /** (Σ estimate − Σ truth) / Σ truth over all namespace-hours. */
  readonly total: number;
  /** Namespace-hours with truth > 0 that the method gave no value for. */
  readonly missing: number;
}

/** Per method: namespace-hour key (`hourStart|namespace`) → joules. */
export type HourMap = Map<string, number>;

const key = (hourStart: number, namespace: string): string => `${hourStart}|${namespace}`;

/** Compares estimates with the truth; namespace-hours missing from the estimate count as 0. */
export function summarize(truthMap: HourMap, estimate: HourMap): ErrorSummary {
  const errors: number[] = [];
  let truthSum = 0;
  let estimateSum = 0;
  let missing = 0;
  for (const [k, t] of truthMap) {
    truthSum += t;
    if (t <= 0) continue;
    const e = estimate.get(k);
    if (e === undefined) missing++;
    errors.push(Math.abs((e ?? 0) - t) / t);
  }
  for (const e of estimate.values()) estimateSum += e;
  return { mean: mean(errors), p95: percentile(errors, 95), max: Math.max(...errors), total: (estimateSum - truthSum) / truthSum, missing };
}

/** Namespace-hours of the truth over the evaluated hours, and the share no poller can see (Kepler restarts). */
export function truthHours(run: AccuracyRun): { hours: HourMap; unobservable: number } {
  const to = run.firstHour + run.hours * HOUR;
  const hours: HourMap = new Map();
  let total = 0;
  let unseen = 0;
  for (const row of truth(run.scenario, { from: run.firstHour, to }).namespaces) {
    hours.set(key(row.hourStart, row.labels[0]!), row.joules);
    total += row.joules;
    unseen += row.unobservableJoules;
  }
  return { hours, unobservable: unseen / total };
}

/**
 * The ledger's namespace-hours, read from Prometheus in 2 h chunks like `energy-ledger report`.
 * `withoutPower` drops the GPU power read alongside (a drop of a pod GPU counter is then a reset: the rule before).
 */
export async function ledgerHours(client: PrometheusClient, run: AccuracyRun, withoutPower = false): Promise<HourMap> {
  const to = run.firstHour + run.hours * HOUR;
  const ledger = new Ledger({ origin: run.firstHour, windows: [{ label: '1h', seconds: HOUR }], retentionSeconds: (run.hours + 2) * HOUR });
  const reader = new KeplerReader({ source: new PrometheusSource(client), schema: run.scenario.schema, classify: DEFAULT_CLASSIFY_OPTIONS });
  const start = run.firstHour - EDGE;
  const end = to + EDGE;
  for (let from = start; from < end; from += 2 * HOUR) {
    const batch = await reader.read(from, Math.min(end, from + 2 * HOUR));
    ledger.ingest(withoutPower ? batch.map(({ descriptor, timestamps, values }) => ({ descriptor, timestamps, values })) : batch);
  }
  const out: HourMap = new Map();
  for (const row of ledger.hours('namespace', run.firstHour, to)) out.set(key(row.hourStart, row.labels[0]!), row.joules);
  return out;
}

/** A PromQL form evaluated at each hour's end, summed over the selectors. */
export async function promqlHours(client: PrometheusClient, run: AccuracyRun, label: string, exprs: readonly string[]): Promise<HourMap> {
  const out: HourMap = new Map();
  for (let h = 0; h < run.hours; h++) {
    const hourStart = run.firstHour + h * HOUR;
    for (const expr of exprs) {
      const { samples } = await client.queryVector(expr, hourStart + HOUR);
      for (const s of samples) {
        const k = key(hourStart, s.labels[label] ?? '');
        out.set(k, (out.get(k) ?? 0) + s.value);
      }
    }
  }
  return out;
}

/** Signed total errors over the namespaces with GPU processes (fractions of their true energy). */
export interface GpuSummary {
  readonly namespaces: number;
  readonly ledger: number;
  readonly users: number;
  /** The ledger without `kepler_pod_gpu_watts`: every drop taken for a reset. */
  readonly ledgerWithoutPower: number;
  /** −(what exited processes used after their last scrape) / truth: the best any method can do. */
  readonly limit: number;
}

/** Signed total errors of the estimates over the namespaces with GPU processes. */
export function gpuSummary(run: AccuracyRun, estimates: { ledger: HourMap; users: HourMap; ledgerWithoutPower: HourMap }): GpuSummary {
  const gpu = new Set(run.scenario.pods.filter((p) => p.gpuProcesses !== undefined).map((p) => p.namespace));
  const to = run.firstHour + run.hours * HOUR;
  let total = 0;
  let unseen = 0;
  for (const row of truth(run.scenario, { from: run.firstHour, to }).namespaces) {
    if (!gpu.has(row.labels[0]!)) continue;
    total += row.joules;
    unseen += row.unobservableJoules;
  }
  const sum = (m: HourMap): number => [...m].reduce((s, [k, j]) => (gpu.has(k.slice(k.indexOf('|') + 1)) ? s + j : s), 0);
  const rel = (m: HourMap): number => sum(m) / total - 1;
  return { namespaces: gpu.size, ledger: rel(estimates.ledger), users: rel(estimates.users), ledgerWithoutPower: rel(estimates.ledgerWithoutPower), limit: -unseen / total };
}

/** One run's results. */
export interface RunResult {
  readonly schema: SchemaId;
  readonly name: string;
  readonly hours: number;
  readonly namespaceHours: number;
  /** Share of the true energy no poller can see (before a Kepler restart, after the last scrape). */
  readonly unobservable: number;
  readonly ledger: ErrorSummary;
  readonly users: ErrorSummary;
  readonly usersLabel: string;
  readonly rule: ErrorSummary | undefined;
  /** The GPU scenario only. */
  readonly gpu?: GpuSummary;
}

/** Writes every run into one Prometheus (each in its own time slot) and evaluates them. */
export async function evaluateAccuracy(schemas: readonly SchemaId[], hours: number, log?: (line: string) => void): Promise<RunResult[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-accuracy-'));
  const dataDir = path.join(dir, 'data');
  try {
    const runs: AccuracyRun[] = [];
    for (const schema of schemas) {
      for (const spec of ACCURACY_SCENARIOS) {
        const run = accuracyRun(spec, schema, BASE + runs.length * SLOT, hours);
        const file = path.join(dir, `${runs.length}.om`);
        const written = await writeOpenMetrics(run.scenario, file, { from: run.scenario.start - 1, to: run.scenario.end, metrics: namespaceMetrics(schema) });
        await createBlocksFromOpenMetrics(file, dataDir);
        await rm(file);
        log?.(`accuracy: ${schema} ${spec.name}: ${written.series} series, ${written.samples} samples in blocks`);
        runs.push(run);
      }
    }
    // The GPU scenario (v0.10+ only) comes after every other run, in the next free slot: their slots do not move.
    if (schemas.includes('v0.10+')) {
      const run = accuracyRun(GPU_SCENARIO, 'v0.10+', BASE + runs.length * SLOT, hours);
      const file = path.join(dir, `${runs.length}.om`);
      const written = await writeOpenMetrics(run.scenario, file, { from: run.scenario.start - 1, to: run.scenario.end, metrics: namespaceMetrics('v0.10+') });
      await createBlocksFromOpenMetrics(file, dataDir);
      await rm(file);
      log?.(`accuracy: v0.10+ ${GPU_SCENARIO.name}: ${written.series} series, ${written.samples} samples in blocks`);
      runs.push(run);
    }
    const prometheus = await startPrometheus({ storageDir: dataDir, retention: '3650d' });
    const client = new PrometheusClient({ url: prometheus.url, timeoutSeconds: 120 });
    try {
      const results: RunResult[] = [];
      for (const run of runs) {
        const { scenario } = run;
        const forms = promqlForms(scenario.schema, scenario.scrapeIntervalSeconds, scenario.tickSeconds);
        const { hours: t, unobservable } = truthHours(run);
        const ledgerMap = await ledgerHours(client, run);
        const usersMap = await promqlHours(client, run, forms.namespaceLabel, forms.selectors.map(forms.users));
        const ledger = summarize(t, ledgerMap);
        const users = summarize(t, usersMap);
        const rule = forms.rule && summarize(t, await promqlHours(client, run, forms.namespaceLabel, forms.selectors.map(forms.rule)));
        const gpu = run.name === GPU_SCENARIO.name ? gpuSummary(run, { ledger: ledgerMap, users: usersMap, ledgerWithoutPower: await ledgerHours(client, run, true) }) : undefined;
        const namespaceHours = [...t.values()].filter((j) => j > 0).length;
        results.push({ schema: scenario.schema, name: run.name, hours, namespaceHours, unobservable, ledger, users, usersLabel: forms.usersLabel, rule, ...(gpu && { gpu }) });
      }
      return results;
    } finally {
      await client.close();
      await prometheus.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The namespace-scope metrics of a schema and the power gauges read alongside them. */
function namespaceMetrics(schema: SchemaId): string[] {
  return schemaSpec(schema)
    .metrics.filter((m) => m.scope === 'namespace')
    .flatMap((m) => (m.powerMetric === undefined ? [m.name] : [m.name, m.powerMetric]));
}

const pct = (x: number, digits = 2): string => `${(x * 100).toFixed(digits)} %`;
const signedPct = (x: number, digits = 3): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(digits)} %`;

/** The markdown accuracy table (one row per run and method). */
export function accuracyTable(results: readonly RunResult[]): string {
  const lines = [
    '| schema | scenario | method | mean err | p95 err | max err | total err | no value |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const methods: [string, ErrorSummary | undefined][] = [
      ['**energy-ledger**', r.ledger],
      [`\`sum by (ns) (${r.usersLabel})\``, r.users],
      ['`increase()[1h:15s]` (Kepler rule)', r.rule],
    ];
    for (const [label, s] of methods) {
      if (s === undefined) continue;
      lines.push(`| ${r.schema} | ${r.name} | ${label} | ${pct(s.mean)} | ${pct(s.p95)} | ${pct(s.max)} | ${signedPct(s.total)} | ${s.missing} |`);
    }
  }
  return lines.join('\n');
}

/** Figures and goals: totals within 0.1 %; on churn, the ledger's mean error ≤ 1/5 of increase()'s. */
export function accuracyRows(results: readonly RunResult[]): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const r of results) {
    const size = `${r.hours} h, ${r.namespaceHours} namespace-hours`;
    rows.push({
      name: `${r.schema} ${r.name}: mean abs. error per namespace-hour`,
      figure: r.ledger.mean * 100,
      unit: '%',
      baseline: r.users.mean * 100,
      note: `${size}; baseline: ${r.usersLabel}${r.rule ? `; Kepler rule [1h:15s]: ${pct(r.rule.mean)}` : ''}`,
      ...(r.name === 'churn' ? { goal: { text: '≤ 1/5 of baseline', met: r.ledger.mean <= r.users.mean / 5 } } : {}),
    });
    rows.push({
      name: `${r.schema} ${r.name}: abs. total error`,
      figure: Math.abs(r.ledger.total) * 100,
      unit: '%',
      baseline: Math.abs(r.users.total) * 100,
      note: `signed: ledger ${signedPct(r.ledger.total)}, baseline ${signedPct(r.users.total)}${r.rule ? `, rule ${signedPct(r.rule.total)}` : ''}${r.unobservable > 0 ? `; unobservable (lost ${r.gpu ? 'after exited GPU processes\' last scrape' : 'at restarts'}): ${signedPct(-r.unobservable)}` : ''}`,
      goal: r.gpu
        ? { text: '≤ 0.1 % from the unobservable', met: Math.abs(r.ledger.total + r.unobservable) <= 0.001 }
        : { text: '≤ 0.1 %', met: Math.abs(r.ledger.total) <= 0.001 },
    });
    if (r.gpu !== undefined) {
      rows.push({
        name: `${r.schema} ${r.name}: GPU namespaces, total error`,
        figure: r.gpu.ledger * 100,
        unit: '%',
        baseline: r.gpu.users * 100,
        note: `${r.gpu.namespaces} namespaces with GPU processes; information limit ${signedPct(r.gpu.limit)}; ledger without kepler_pod_gpu_watts (every drop a reset) ${signedPct(r.gpu.ledgerWithoutPower)}; baseline: ${r.usersLabel}`,
        goal: { text: 'within 1 point of the limit', met: Math.abs(r.gpu.ledger - r.gpu.limit) <= 0.01 },
      });
    }
  }
  return rows;
}

async function run(opts: BenchOptions): Promise<BenchResult> {
  const schemas: readonly SchemaId[] = opts.full ? SCHEMAS : ['v0.10+'];
  const results = await evaluateAccuracy(schemas, opts.full ? 24 : 3, opts.log);
  return { rows: accuracyRows(results), tables: [accuracyTable(results)] };
}

export const accuracy: BenchModule = { name: 'accuracy', run };
