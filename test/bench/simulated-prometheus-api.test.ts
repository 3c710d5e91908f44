/**
 * The simulated Prometheus API of the month restore bench answers the restore's queries as a real
 * Prometheus (2.42) holding the same samples: the same raw answers (left-closed range selectors, at
 * sample-time boundaries too) and the same restored hours through the real restore code.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterScenario } from '../../bench/cluster-scenario.js';
import { PeriodicSource } from '../../bench/periodic-source.js';
import { startSimulatedApi, type SimulatedApi } from '../../bench/simulated-prometheus-api.js';
import { RestoredHours } from '../../src/core/ledger/index.js';
import { buildSelector, DEFAULT_CLASSIFY_OPTIONS, queriesFor } from '../../src/core/schema/index.js';
import type { RawSeries } from '../../src/core/types.js';
import { PrometheusClient } from '../../src/prometheus/client.js';
import { rangeSelector } from '../../src/prometheus/selector.js';
import { PrometheusSource } from '../../src/prometheus/source.js';
import { HourReader } from '../../src/read/hour-reader.js';
import { KeplerReader } from '../../src/read/kepler-reader.js';
import { generateScenario, SimulatedPrometheus, writeOpenMetrics, type Scenario } from '../../src/sim/index.js';
import type { RunningBackend } from '../support/backend.js';
import { startPrometheus } from '../support/prometheus-server.js';

const HOUR = 3600;
const START = 1_767_225_600; // 2026-01-01T00:00:00Z
const QUERIES = queriesFor('v0.10+', DEFAULT_CLASSIFY_OPTIONS).map((q) => buildSelector(q));

function sorted(series: readonly RawSeries[]): { labels: string; timestamps: readonly number[]; values: readonly number[] }[] {
  return series.map((s) => ({ labels: JSON.stringify(Object.entries(s.labels).sort()), timestamps: Array.from(s.timestamps), values: Array.from(s.values) })).sort((a, b) => (a.labels < b.labels ? -1 : 1));
}

async function restore(url: string, from: number, to: number): Promise<RestoredHours> {
  const client = new PrometheusClient({ url });
  try {
    const reader = new KeplerReader({ source: new PrometheusSource(client), schema: 'v0.10+', classify: DEFAULT_CLASSIFY_OPTIONS });
    const hours = new HourReader({ read: (a, b, s) => reader.read(a, b, s), from, to, edgeSeconds: 300, chunkSeconds: 2 * HOUR, maxSeriesPowerWatts: 5000 });
    return RestoredHours.fromLedger(await hours.read(), from, to);
  } finally {
    await client.close();
  }
}

describe('the simulated Prometheus API against a real Prometheus with the same samples', () => {
  let dir: string;
  let scenario: Scenario;
  let prometheus: RunningBackend;
  let api: SimulatedApi;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'simulated-api-'));
    // Churn, a Kepler restart and a scrape gap: series that start, end and pause inside the ranges read.
    scenario = generateScenario({ schema: 'v0.10+', seed: 44, start: START, durationSeconds: 7 * HOUR, nodes: 2, namespaces: 3, podsPerNamespace: 2, churn: 2, restarts: 1, gaps: 1, scrapeIntervalSeconds: 30 });
    const file = path.join(dir, 'samples.om.txt');
    await writeOpenMetrics(scenario, file, { from: START - 1, to: scenario.end });
    prometheus = await startPrometheus({ blocksFrom: file });
    api = await startSimulatedApi(new SimulatedPrometheus(scenario));
  }, 300_000);

  afterAll(async () => {
    await api?.close();
    await prometheus?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('answers every query of the restore with the same raw samples, a sample exactly at the range start included', async () => {
    const real = new PrometheusClient({ url: prometheus.url });
    const simulated = new PrometheusClient({ url: api.url });
    try {
      const [first] = (await real.queryMatrix(rangeSelector(QUERIES[0]!, 1800), START + 3 * HOUR)).series;
      const sampleTime = first!.timestamps[0]!;
      let compared = 0;
      for (const selector of QUERIES) {
        for (const [end, seconds] of [[START + 2 * HOUR + 300, 2 * HOUR], [sampleTime + 1800, 1800], [START + 7 * HOUR, 3 * HOUR]] as const) {
          const want = sorted((await real.queryMatrix(rangeSelector(selector, seconds), end)).series);
          const got = sorted((await simulated.queryMatrix(rangeSelector(selector, seconds), end)).series);
          expect(got, `${selector} at ${end}`).toEqual(want);
          compared += want.length;
        }
      }
      expect(compared).toBeGreaterThan(20);
      const atStart = (await simulated.queryMatrix(rangeSelector(QUERIES[0]!, 1800), sampleTime + 1800)).series;
      expect(atStart.some((s) => s.timestamps[0] === sampleTime)).toBe(true);
    } finally {
      await real.close();
      await simulated.close();
    }
  }, 120_000);

  it('gives the restore the same hours, to the microjoule', async () => {
    const from = START + HOUR;
    const to = START + 6 * HOUR;
    const want = await restore(prometheus.url, from, to);
    const got = await restore(api.url, from, to);
    for (const scope of ['namespace', 'node'] as const) {
      expect(want.groups(scope).length).toBeGreaterThan(1);
      expect(got.rows(scope)).toEqual(want.rows(scope));
    }
  }, 120_000);
});

describe('PeriodicSource', () => {
  it('serves later hours of a stationary cluster as the simulator computes them', async () => {
    const scenario = clusterScenario(START, START + 12 * HOUR, { nodes: 2, pods: 6 });
    const simulated = new SimulatedPrometheus(scenario);
    const periodic = new PeriodicSource(new SimulatedPrometheus(scenario), { base: START + HOUR, periodSeconds: HOUR, checkEvery: 1000 });
    for (const selector of QUERIES) {
      const request = { selector, start: START + 7 * HOUR - 300, end: START + 9 * HOUR - 300 };
      const want = sorted(await simulated.fetchRange(request));
      const got = sorted(await periodic.fetchRange(request));
      expect(got.map((s) => [s.labels, s.timestamps])).toEqual(want.map((s) => [s.labels, s.timestamps]));
      got.forEach((s, i) => s.values.forEach((v, j) => expect(Math.abs(v - want[i]!.values[j]!)).toBeLessThan(1e-9 * want[i]!.values[j]!)));
    }
  });

  it('refuses a cluster that is not stationary', async () => {
    const scenario = generateScenario({ schema: 'v0.10+', seed: 3, start: START, durationSeconds: 12 * HOUR, nodes: 2, namespaces: 2, churn: 4 });
    const periodic = new PeriodicSource(new SimulatedPrometheus(scenario), { base: START + HOUR, periodSeconds: HOUR, checkEvery: 2 });
    await expect(periodic.fetchRange({ selector: QUERIES[0]!, start: START + 5 * HOUR, end: START + 7 * HOUR })).rejects.toThrow(/not stationary/);
  });
});
