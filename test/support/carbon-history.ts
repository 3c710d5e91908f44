import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { generateScenario } from '../../src/sim/index.js';
import type { ExposedSample } from '../e2e/support/exposition.js';
import { writeHistory, type History } from '../e2e/support/history.js';
import type { RunningBackend } from './backend.js';
import { startPrometheus } from './prometheus-server.js';

/** One hour, seconds. */
export const H = 3600;

/** The grid-intensity family the carbon tests write next to the Kepler history. */
export const INTENSITY_FAMILY = 'grid_intensity_carbon_average';

/** Start of the clock hour a sample at `t` counts in: samples in `(h, h + 1 h]` belong to the hour starting at `h`. */
export const hourOf = (t: number): number => (Math.ceil(t / H) - 1) * H;

/** Region a: constant within each clock hour, 100 + 10 × UTC hour. */
export const regionA = (t: number): number => 100 + 10 * ((hourOf(t) / H) % 24);
/** Hourly mean of region b, 300 − 5 × UTC hour (`h` an hour start). */
export const meanB = (h: number): number => 300 - 5 * ((h / H) % 24);
/** Region b: alternates 20 above and below {@link meanB} minute by minute (`t` on a whole minute). */
export const regionB = (t: number): number => meanB(hourOf(t)) + ((t / 60) % 2 === 0 ? 20 : -20);
/** Mean of the a and b samples in the hour starting at `h` (60 samples each), worked out from the data written. */
export const twoRegionMean = (h: number): number => (regionA(h + 1) + meanB(h)) / 2;

/** Regions a and b as above, and region c at 9999, which a selector for a and b must not count. */
export const threeRegions = (t: number): [string, number][] => [
  ['a', regionA(t)],
  ['b', regionB(t)],
  ['c', 9999],
];

/** Options of {@link recentHistory}. */
export interface RecentHistoryOptions {
  readonly seed: number;
  /** First instant of the scenario, unix seconds. */
  readonly start: number;
  /** Wall clock, unix seconds: the samples run to `floor(now)`. */
  readonly now: number;
  readonly anchor: number;
  readonly nodes: number;
  readonly namespaces: number;
  readonly churn: number;
}

/** A short v0.10+ history from `start` to now, scraped every 30 s. */
export function recentHistory(o: RecentHistoryOptions): History {
  const scenario = generateScenario({
    seed: o.seed,
    start: o.start,
    durationSeconds: Math.ceil(o.now - o.start) + 600,
    nodes: o.nodes,
    namespaces: o.namespaces,
    churn: o.churn,
    scrapeIntervalSeconds: 30,
  });
  return { schema: 'v0.10+', scenario, anchor: o.anchor, dataEnd: Math.floor(o.now) };
}

/**
 * Starts a real Prometheus holding `history` and a hand-made {@link INTENSITY_FAMILY} gauge, one sample
 * a minute on whole minutes from the history's start to its end: `regionsAt(t)` gives its
 * `[region, value]` pairs at `t`. The OpenMetrics file is removed once the blocks are made.
 */
export async function startCarbonPrometheus(history: History, regionsAt: (t: number) => [string, number][]): Promise<RunningBackend> {
  const dir = await mkdtemp(path.join(tmpdir(), 'carbon-history-'));
  try {
    const file = path.join(dir, 'history.om.txt');
    await writeHistory(history, file);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(/# EOF\n?$/, ''));
    const lines = [`# TYPE ${INTENSITY_FAMILY} gauge`];
    for (let t = Math.ceil(history.scenario.start / 60) * 60; t <= history.dataEnd; t += 60) {
      for (const [region, value] of regionsAt(t)) lines.push(`${INTENSITY_FAMILY}{region="${region}"} ${value} ${t}`);
    }
    await appendFile(file, `${lines.join('\n')}\n# EOF\n`);
    return await startPrometheus({ blocksFrom: file });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `got` is a number within what `toBeCloseTo(want, 9)` allows (|got − want| < 5e-10). */
export function expectNear(got: number | null | undefined, want: number, what: string): void {
  expect(got, what).toBeTypeOf('number');
  expect(Math.abs(got! - want), `${what}: got ${got}, want ${want}`).toBeLessThan(5e-10);
}

/**
 * Every namespace with previous_hour watt-hours on a `/metrics` page has positive energy and
 * previous_hour carbon = Wh × `intensityOf(previous hour start)` × `pue` / 1000.
 */
export function expectPreviousHourCarbon(samples: readonly ExposedSample[], intensityOf: (h: number) => number, pue: number): void {
  const wm = samples.find((s) => s.name === 'energy_ledger_data_watermark_timestamp_seconds');
  expect(wm, 'watermark').toBeDefined();
  const previous = hourOf(wm!.value) - H;
  const wh = samples.filter((s) => s.name === 'energy_ledger_namespace_period_energy_watt_hours' && s.labels.period === 'previous_hour');
  expect(wh.length).toBeGreaterThan(0);
  for (const s of wh) {
    const grams = samples.find(
      (c) => c.name === 'energy_ledger_namespace_period_carbon_grams' && c.labels.period === 'previous_hour' && c.labels.namespace === s.labels.namespace,
    );
    expect(s.value, `previous_hour Wh ${s.labels.namespace}`).toBeGreaterThan(0);
    expectNear(grams?.value, (s.value / 1000) * intensityOf(previous) * pue, `previous_hour carbon ${s.labels.namespace}`);
  }
}
