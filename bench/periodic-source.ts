/**
 * A {@link SampleSource} over a stationary simulated cluster (constant power, no churn, restarts or gaps:
 * `cluster-scenario.ts`), for reading a month of 10k series faster than the simulator computes it. The
 * simulator computes two base periods; every other period is the first shifted in time by whole periods,
 * each counter rising by what it rose between the two base periods. Every `checkEvery`-th period is also
 * computed by the simulator and compared (times exact, values to 1e-12 relative), so a scenario that is
 * not stationary fails loudly instead of serving wrong samples.
 */
import type { RawSeries } from '../src/core/types.js';
import type { RangeRequest, SampleSource } from '../src/read/sample-source.js';

/** Options of {@link PeriodicSource}. */
export interface PeriodicSourceOptions {
  /** Start of the first base period, unix seconds (the scenario must be stationary from there). */
  readonly base: number;
  readonly periodSeconds: number;
  /** Compare every n-th period with the simulator's own answer. */
  readonly checkEvery: number;
}

interface BasePeriod {
  readonly series: readonly RawSeries[];
  /** Rise of each series' counter over one period. */
  readonly rise: Float64Array;
}

const toMs = (t: number): number => Math.round(t * 1000);

/** Stationary shifts of a simulated source (see the file comment). */
export class PeriodicSource implements SampleSource {
  private readonly bases = new Map<string, Promise<BasePeriod>>();
  private readonly checked = new Set<string>();
  /** Periods compared with the simulator so far. */
  checks = 0;

  constructor(
    private readonly inner: SampleSource,
    private readonly options: PeriodicSourceOptions,
  ) {}

  async fetchRange(request: RangeRequest, signal?: AbortSignal): Promise<RawSeries[]> {
    const { base, periodSeconds: period, checkEvery } = this.options;
    const { series, rise } = await this.basePeriod(request.selector, signal);
    const first = Math.floor((request.start - base) / period);
    const last = Math.ceil((request.end - base) / period) - 1;
    const startMs = toMs(request.start);
    const endMs = toMs(request.end);
    const out = series.map((s) => ({ labels: s.labels, timestamps: [] as number[], values: [] as number[] }));
    for (let k = first; k <= last; k++) {
      if (k < 0) throw new RangeError(`period ${k} is before the base period at ${base}`);
      for (let i = 0; i < series.length; i++) {
        const s = series[i]!;
        const o = out[i]!;
        for (let j = 0; j < s.timestamps.length; j++) {
          const ms = toMs(s.timestamps[j]!) + k * period * 1000;
          if (ms <= startMs || ms > endMs) continue;
          o.timestamps.push(ms / 1000);
          o.values.push(s.values[j]! + k * rise[i]!);
        }
      }
      if (k % checkEvery === 0) await this.check(request.selector, k, signal);
    }
    return out.filter((s) => s.timestamps.length > 0);
  }

  async presentMetricNames(names: readonly string[], signal?: AbortSignal): Promise<Set<string>> {
    return this.inner.presentMetricNames(names, signal);
  }

  private basePeriod(selector: string, signal?: AbortSignal): Promise<BasePeriod> {
    let found = this.bases.get(selector);
    if (found === undefined) this.bases.set(selector, (found = this.computeBase(selector, signal)));
    return found;
  }

  private async computeBase(selector: string, signal?: AbortSignal): Promise<BasePeriod> {
    const { base, periodSeconds: period } = this.options;
    const first = await this.inner.fetchRange({ selector, start: base, end: base + period }, signal);
    const second = await this.inner.fetchRange({ selector, start: base + period, end: base + 2 * period }, signal);
    const rise = new Float64Array(first.length);
    if (second.length !== first.length) throw new Error(`not stationary: ${selector} has ${first.length} then ${second.length} series`);
    for (let i = 0; i < first.length; i++) rise[i] = second[i]!.values[0]! - first[i]!.values[0]!;
    this.compare(selector, 1, { series: first, rise }, second);
    return { series: first, rise };
  }

  /** Compares period k with the simulator's answer. */
  private async check(selector: string, k: number, signal?: AbortSignal): Promise<void> {
    const key = `${selector}@${k}`;
    if (this.checked.has(key)) return;
    this.checked.add(key);
    const { base, periodSeconds: period } = this.options;
    const actual = await this.inner.fetchRange({ selector, start: base + k * period, end: base + (k + 1) * period }, signal);
    this.compare(selector, k, await this.basePeriod(selector, signal), actual);
    this.checks++;
  }

  private compare(selector: string, k: number, { series, rise }: BasePeriod, actual: readonly RawSeries[]): void {
    const shift = k * this.options.periodSeconds * 1000;
    const fail = (what: string): never => {
      throw new Error(`not stationary: ${selector}, period ${k}: ${what}`);
    };
    if (actual.length !== series.length) fail(`${actual.length} series, base ${series.length}`);
    for (let i = 0; i < series.length; i++) {
      const a = actual[i]!;
      const s = series[i]!;
      if (JSON.stringify(a.labels) !== JSON.stringify(s.labels)) fail(`series ${i} has other labels`);
      if (a.timestamps.length !== s.timestamps.length) fail(`series ${i} has ${a.timestamps.length} samples, base ${s.timestamps.length}`);
      for (let j = 0; j < s.timestamps.length; j++) {
        if (toMs(a.timestamps[j]!) !== toMs(s.timestamps[j]!) + shift) fail(`series ${i} sample ${j} at ${a.timestamps[j]}`);
        const expected = s.values[j]! + k * rise[i]!;
        if (Math.abs(a.values[j]! - expected) > 1e-12 * Math.abs(expected)) fail(`series ${i} sample ${j}: ${a.values[j]} ≠ ${expected}`);
      }
    }
  }
}
