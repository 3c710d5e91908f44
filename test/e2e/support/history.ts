import { HOUR_SECONDS, hourStart } from '../../../src/core/time.js';
import { METRIC_NAMES_BY_SCHEMA, schemaSpec } from '../../../src/core/schema/catalogue.js';
import type { SchemaId } from '../../../src/core/types.js';
import { generateScenario, writeOpenMetrics, type OpenMetricsSummary, type Scenario } from '../../../src/sim/index.js';

/**
 * Scrape interval per schema. The counter schemas use a typical 30 s. v0.3 exports gauges holding
 * the energy of Kepler's last 3 s sample only, so the ledger integrates `value × Δt / 3 s`: scraped
 * every 3 s, every Kepler sample is seen exactly once and the integral is exact up to the sample lag;
 * scraped every k·3 s it sees one sample in k and errs at every power change in between (measured on
 * this scenario: 6 s ≈ 0.02 % per day and 0.17 % per hour, 15 s ≈ 0.13 % per day, over the 0.05 %
 * bound). 3 s costs ten times the samples of 30 s, so the v0.3 cluster is smaller
 * (about 0.6 M samples instead of 0.1–0.2 M; promtool needs most of the suite's time for them).
 */
export const SCRAPE_SECONDS: Readonly<Record<SchemaId, number>> = { 'v0.3': 3, 'v0.4-v0.9': 30, 'v0.10+': 30 };

/** The one namespace that gets every short-lived pod; the others only run pods living for hours. */
export const CHURN_NAMESPACE = 'kube-system';

/** Shortest pod lifetime for the per-namespace-hour bound, seconds. */
export const LONG_LIVED_SECONDS = 600;

/** Backfilled Kepler history of a simulated cluster, ending near now. */
export interface History {
  readonly schema: SchemaId;
  readonly scenario: Scenario;
  /**
   * An hour boundary at least 10 minutes before the end of the data: the 24 complete hours
   * `[anchor − 24 h, anchor)` are compared with the ground truth, and node `worker-1` (scrape phase 0)
   * has a sample exactly at it.
   */
  readonly anchor: number;
  /** Last instant the stored samples cover (the wall clock when they were written), unix seconds. */
  readonly dataEnd: number;
}

/**
 * A small cluster (2 nodes, a few namespaces, 2 short-lived pods per hour, one Kepler restart inside
 * the checked day) whose history starts at `anchor − 26 h` and runs past now. Deterministic for a
 * given anchor: the duration is fixed and the samples are cut at `dataEnd` when written.
 */
export function historyScenario(schema: SchemaId, now: number): History {
  const anchor = hourStart(now - 600);
  const start = anchor - 26 * HOUR_SECONDS;
  const generated = generateScenario({
    schema,
    seed: 20_221_024,
    start,
    durationSeconds: 27 * HOUR_SECONDS + 900,
    nodes: 2,
    namespaces: schema === 'v0.3' ? 3 : 5,
    podsPerNamespace: schema === 'v0.3' ? 1 : 2,
    churn: 2,
    scrapeIntervalSeconds: SCRAPE_SECONDS[schema],
    restarts: [{ node: 'worker-2', time: anchor - 9 * HOUR_SECONDS + 1234.5 }],
  });
  const isChurn = (p: Scenario['pods'][number]): boolean => p.kind === 'workload' && p.start >= start && p.end !== undefined;
  const scenario: Scenario = {
    ...generated,
    // Phase 0 puts a scrape on every hour boundary, so a watermark can end exactly on an hour.
    nodes: generated.nodes.map((n, i) => (i === 0 ? { ...n, scrapePhaseMs: 0 } : n)),
    pods: generated.pods.map((p) => (isChurn(p) ? { ...p, namespace: CHURN_NAMESPACE } : p)),
  };
  return { schema, scenario, anchor, dataEnd: Math.floor(now) };
}

/** The metrics the ledger reads for a schema, plus its build info (detection and `kepler_info`). */
export function ledgerMetricNames(schema: SchemaId): string[] {
  return [...METRIC_NAMES_BY_SCHEMA[schema], schemaSpec(schema).buildInfo];
}

/**
 * Writes the stored samples in `(start − 1, dataEnd]` as OpenMetrics for promtool: only the families
 * the ledger reads, and of v0.10+ only the zones it reads (the others would only cost time).
 */
export function writeHistory(history: History, file: string): Promise<OpenMetricsSummary> {
  const { scenario, schema, dataEnd } = history;
  return writeOpenMetrics(scenario, file, {
    from: scenario.start - 1,
    to: dataEnd,
    metrics: ledgerMetricNames(schema),
    match: '{zone=~"package|dram|"}',
  });
}

/**
 * Namespaces none of whose pods living in `[from, to)` is short-lived (≤ {@link LONG_LIVED_SECONDS});
 * their hours must meet the per-namespace-hour bound.
 */
export function longLivedNamespaces(scenario: Scenario, from: number, to: number): Set<string> {
  const short = new Set(
    scenario.pods
      .filter((p) => p.start < to && (p.end ?? Infinity) > from && (p.end ?? Infinity) - p.start <= LONG_LIVED_SECONDS)
      .map((p) => p.namespace),
  );
  return new Set(scenario.namespaces.filter((n) => !short.has(n)));
}
