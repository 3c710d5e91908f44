/**
 * Helpers of the end-to-end tests: an in-process `serve` (real config loading, real Prometheus client),
 * a simulated Kepler cluster served over HTTP on the wall clock, the ground truth of what a backend
 * stored, and a small parser of the `/metrics` text.
 */
import { stringify } from 'yaml';
import { loadConfig, type Config } from '../../src/config/index.js';
import type { SchemaId } from '../../src/core/types.js';
import { createLogger } from '../../src/log.js';
import type { Poller } from '../../src/service/poller.js';
import { runService } from '../../src/service/run-service.js';
import { prometheusFromConfig } from '../../src/service/prometheus-from-config.js';
import { generateScenario, simulatorScrapeConfig, startSimulatorServer, truth, type Scenario, type ScrapeGap, type SimulatorServer } from '../../src/sim/index.js';
import type { SampleSource } from '../../src/read/sample-source.js';

/** A `serve` running in this process. */
export interface RunningService {
  readonly url: string;
  readonly config: Config;
  readonly poller: Poller;
  /** Every JSON log line so far, parsed. */
  readonly logs: Record<string, unknown>[];
  /** Aborts the service and waits until it has drained and closed. */
  stop(): Promise<void>;
}

/**
 * Starts `runService` with the YAML config `settings` (loaded by `loadConfig`, listen defaults to a free
 * port on 127.0.0.1) on the same Prometheus source `serve` builds; `wrap` may instrument that source.
 */
export async function startService(settings: Record<string, unknown>, wrap?: (source: SampleSource) => SampleSource): Promise<RunningService> {
  const config = loadConfig({ file: { text: stringify({ listen: '127.0.0.1:0', log_level: 'debug', ...settings }), name: 'e2e.yaml' } });
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({ level: config.logLevel, destination: { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) } });
  const { client, source } = prometheusFromConfig(config, logger);
  const controller = new AbortController();
  let onListening!: (value: { url: string; poller: Poller }) => void;
  const listening = new Promise<{ url: string; poller: Poller }>((resolve) => (onListening = resolve));
  const done = runService(
    { config, logger, source: wrap ? wrap(source) : source, version: '0.0.0-e2e', onListening: (l, poller) => onListening({ url: l.url, poller }) },
    controller.signal,
  );
  const { url, poller } = await Promise.race([listening, done.then(() => Promise.reject(new Error('failed to start the service: it stopped before listening')))]);
  return {
    url,
    config,
    poller,
    logs,
    async stop() {
      controller.abort();
      try {
        await done;
      } finally {
        await client.close();
      }
    },
  };
}

/** One sample of an exposition. */
export interface ExpositionSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Parses Prometheus text format 0.0.4 (comments skipped, label values unescaped). */
export function parseExposition(text: string): ExpositionSample[] {
  const samples: ExpositionSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (match === null) throw new Error(`failed to parse exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[name!] = value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]!.replace(/^\+?Inf$/, 'Infinity').replace(/^-Inf$/, '-Infinity')) });
  }
  return samples;
}

/** GETs `/metrics` and parses it. */
export async function scrape(url: string): Promise<ExpositionSample[]> {
  const response = await fetch(`${url}/metrics`);
  if (response.status !== 200) throw new Error(`failed to scrape ${url}/metrics: HTTP ${response.status}`);
  return parseExposition(await response.text());
}

/** The value of the one sample with this name and these labels (among others), or undefined. */
export function valueOf(samples: readonly ExpositionSample[], name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`expected one ${name}${JSON.stringify(labels)}, found ${found.length}`);
  return found[0]?.value;
}

/** `label value → sample value` of every sample of `name`. */
export function byLabel(samples: readonly ExpositionSample[], name: string, label: string): Map<string, number> {
  return new Map(samples.filter((s) => s.name === name).map((s) => [s.labels[label] ?? '', s.value]));
}

/** A simulated Kepler cluster on the wall clock (scenario time = wall time), served over HTTP. */
export interface LiveCluster {
  readonly scenario: Scenario;
  readonly server: SimulatorServer;
  /** Scenario time of a wall-clock time (a sample timestamp the backend stored). */
  toScenarioTime(wallSeconds: number): number;
  /**
   * Scenario time at which the node answered the scrape the backend stamped `wallSeconds` (the scrape's
   * start): the last successful answer in [stamp − 5 ms, stamp + scrape interval), as a scraper waits at
   * most one interval (its timeout) for an answer and scrapes a target one request at a time.
   */
  answeredAt(node: string, wallSeconds: number): number | undefined;
  /** A scrape config for it under this job name. */
  scrapeConfig(jobName: string, interval?: string): Record<string, unknown>;
  /** From now on every node answers 503, so the backend stores nothing more (a scrape gap to the end). */
  stopScrapes(): void;
  close(): Promise<void>;
}

/**
 * The node's answer to a scrape the backend stamped `stamp` (the scrape's start), among a node's answer
 * times in order: the last one in [stamp − 5 ms, stamp + interval). A scraper waits at most one interval
 * (its timeout) and scrapes a target one request at a time, so a later answer is a later scrape's, and an
 * earlier one in the window a timed-out scrape's; 5 ms covers a stamp aligned to its schedule.
 */
export function answerTo(answers: readonly number[], stamp: number, intervalSeconds: number): number | undefined {
  return answers.findLast((a) => a >= stamp - 0.005 && a < stamp + intervalSeconds);
}

/** Starts a 3-node, 12-namespace cluster of `schema` whose scenario starts now, scraped every second. */
export async function startLiveCluster(schema: SchemaId, seed: number, options: { restartAfterSeconds?: number } = {}): Promise<LiveCluster> {
  const start = Math.floor(Date.now() / 1000);
  const generated = generateScenario({
    seed,
    start,
    durationSeconds: 1800,
    schema,
    nodes: 3,
    namespaces: 12,
    churn: 60,
    scrapeIntervalSeconds: 1,
    restarts: options.restartAfterSeconds === undefined ? [] : [{ node: 'worker-2', time: start + options.restartAfterSeconds, downSeconds: 4 }],
  });
  // The simulator reads `gaps` at every request, so pushing one stops the scrapes from then on.
  const gaps: ScrapeGap[] = [];
  const scenario: Scenario = { ...generated, gaps };
  // Scenario time = start + (wall − wall at server start); the first clock call is the server's start.
  let startedAt: number | undefined;
  const clock = (): number => {
    const now = Date.now() / 1000;
    startedAt ??= now;
    return now;
  };
  const answers = new Map<string, number[]>();
  const onServe = (node: string, t: number): void => void (answers.get(node) ?? answers.set(node, []).get(node)!).push(t);
  const server = await startSimulatorServer(scenario, { clock, onServe });
  const offset = start - (startedAt as number);
  return {
    scenario,
    server,
    toScenarioTime: (wall) => wall + offset,
    answeredAt: (node, wall) => answerTo(answers.get(node) ?? [], wall + offset, scenario.scrapeIntervalSeconds),
    scrapeConfig: (jobName, interval = '1s') => ({ ...simulatorScrapeConfig(server, interval), job_name: jobName }),
    stopScrapes: () => void gaps.push({ start: server.scenarioTime(), end: Infinity }),
    close: () => server.close(),
  };
}

/** Raw samples `[unix seconds, value]` of every series an instant range-selector query returns, from a Prometheus-compatible API. */
export async function rawSamples(backendUrl: string, expr: string): Promise<{ labels: Record<string, string>; samples: [number, number][] }[]> {
  const body = new URLSearchParams({ query: expr, time: String(Date.now() / 1000) });
  const response = await fetch(`${backendUrl}/api/v1/query`, { method: 'POST', body });
  const json = (await response.json()) as { status: string; data: { result: { metric: Record<string, string>; values: [number, string][] }[] } };
  if (json.status !== 'success') throw new Error(`failed to query ${expr}: ${JSON.stringify(json)}`);
  return json.data.result.map((r) => ({
    labels: r.metric,
    samples: r.values.map(([t, v]): [number, number] => [t, Number(v)]).filter(([, v]) => Number.isFinite(v)),
  }));
}

/** Sample times of every series an instant range-selector query returns. */
export async function rawSeries(backendUrl: string, expr: string): Promise<{ labels: Record<string, string>; timestamps: number[] }[]> {
  return (await rawSamples(backendUrl, expr)).map((s) => ({ labels: s.labels, timestamps: s.samples.map(([t]) => t) }));
}

/** Kepler's build-info metric of a schema: one series per node, a sample at every stored scrape. */
export const BUILD_INFO: Readonly<Record<SchemaId, string>> = {
  'v0.10+': 'kepler_build_info',
  'v0.4-v0.9': 'kepler_exporter_build_info',
  'v0.3': 'energy_stats_exporter_build_info',
};

/** Wall times of every scrape the backend stored, per node (the `instance` label). */
export async function storedScrapes(backendUrl: string, schema: SchemaId, job: string): Promise<Map<string, number[]>> {
  const series = await rawSeries(backendUrl, `${BUILD_INFO[schema]}{job="${job}"}[1h]`);
  const byNode = new Map<string, number[]>();
  for (const s of series) byNode.set(s.labels.instance!, [...(byNode.get(s.labels.instance!) ?? []), ...s.timestamps].sort((a, b) => a - b));
  return byNode;
}

/** Kepler's last tick at or before scenario time `t` on `node` (ticks run from each instance's start). */
function lastTick(scenario: Scenario, node: string, t: number): number {
  const starts = [scenario.nodes.find((n) => n.name === node)!.keplerStart, ...scenario.restarts.filter((r) => r.node === node).map((r) => r.time)];
  const r = Math.max(...starts.filter((s) => s <= t));
  return r + Math.floor((t - r) / scenario.tickSeconds + 1e-9) * scenario.tickSeconds;
}

/**
 * Ground truth per namespace of the span the backend stored. On each node it is the energy from the Kepler
 * tick the first stored scrape saw to the tick the last one saw, except, at each Kepler restart, the energy
 * from the tick the last scrape before the restart saw to the restart, which no counter ever showed.
 * The tick a stored scrape saw is the last one at or before the node's answer to it, which may be later
 * than the backend's timestamp (the scrape's start) on a loaded machine; only scrapes the backend stored
 * count, never the simulator's own scrape model.
 */
export function storedSpanTruth(cluster: LiveCluster, scrapes: ReadonlyMap<string, readonly number[]>): Map<string, number> {
  const { scenario } = cluster;
  const joules = new Map<string, number>();
  for (const [node, wallTimes] of scrapes) {
    const times = wallTimes.map((t) => {
      const answered = cluster.answeredAt(node, t);
      if (answered === undefined) throw new Error(`failed to find the answer of ${node} to the scrape stored at ${t}`);
      return answered;
    });
    if (times.length < 2) continue;
    const only: Scenario = {
      ...scenario,
      nodes: scenario.nodes.filter((n) => n.name === node),
      pods: scenario.pods.filter((p) => p.node === node),
      restarts: scenario.restarts.filter((r) => r.node === node),
    };
    // Pieces of (first tick, last tick] each Kepler instance's counters cover.
    const pieces: [number, number][] = [];
    let from = lastTick(scenario, node, times[0]!);
    for (const restart of only.restarts.map((r) => r.time).sort((a, b) => a - b)) {
      const before = times.filter((t) => t < restart);
      if (restart <= times[0]! || before.length === times.length) continue;
      pieces.push([from, lastTick(scenario, node, before[before.length - 1]!)]);
      from = restart;
    }
    pieces.push([from, lastTick(scenario, node, times[times.length - 1]!)]);
    for (const [a, b] of pieces) {
      for (const row of truth(only, { from: a, to: b }).namespaces) joules.set(row.labels[0]!, (joules.get(row.labels[0]!) ?? 0) + row.joules);
    }
  }
  return joules;
}
