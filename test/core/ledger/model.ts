import type { SeriesDescriptor } from '../../../src/core/types.js';

/** One generated series: descriptor and ascending samples (values may be malformed). */
export interface GeneratedSeries {
  readonly descriptor: SeriesDescriptor;
  readonly times: readonly number[];
  readonly values: readonly number[];
  /** Power at each sample, watts (NaN: none exported); only with `dropsOnProcessExit`. */
  readonly power?: readonly number[];
}

/** The limits the model applies (mirrors the ledger options under test). */
export interface ModelLimits {
  readonly origin: number;
  readonly maxWatts: number;
  readonly graceSeconds: number;
  readonly ttlSeconds: number;
}

/** Part of `D` µJ spread over `(x, y]` that lies after `origin` (the contract's linear split). */
function afterOrigin(x: number, y: number, microJoules: number, origin: number): number {
  if (y <= origin) return 0;
  if (x >= origin) return microJoules;
  return microJoules - Math.round(microJoules * ((origin - x) / (y - x)));
}

/** The node's previous scrape before `t`: the newest timestamp before `t` of any gauge series of the node. */
function nodePreviousScrape(series: readonly GeneratedSeries[], s: GeneratedSeries, t: number): number {
  let previous = -Infinity;
  for (const o of series) {
    if (o.descriptor.kind !== 'gauge' || o.descriptor.node !== s.descriptor.node) continue;
    for (const x of o.times) if (x < t && x > previous) previous = x;
  }
  return previous;
}

/**
 * Span a new gauge series' first sample at `t` stands for: back to the node's previous scrape, or one
 * sample period when there is none or it is more than the TTL before `t`.
 */
function firstGaugeSpan(series: readonly GeneratedSeries[], s: GeneratedSeries, t: number, l: ModelLimits): number {
  const previous = nodePreviousScrape(series, s, t);
  return t - previous > l.ttlSeconds ? s.descriptor.samplePeriodSeconds! : t - previous;
}

/**
 * Reference model: the contract's delta rules applied sample by sample, with no buckets, no rings and
 * no batching. Returns the expected energy in integer microjoules and the number of resets.
 */
export function expectedMicroJoules(series: readonly GeneratedSeries[], l: ModelLimits): { micro: number; resets: number } {
  let micro = 0;
  let resets = 0;
  for (const s of series) {
    const { kind, toJoules } = s.descriptor;
    const period = s.descriptor.samplePeriodSeconds ?? 0;
    let last = -Infinity;
    let prev: { t: number; v: number; w: number } | undefined;
    s.times.forEach((t, i) => {
      const v = s.values[i]!;
      if (t - last > l.ttlSeconds) prev = undefined;
      last = t;
      if (Number.isNaN(v) || v < 0 || v === Infinity) return;
      const fresh = prev === undefined;
      if (fresh) {
        const e = v * toJoules;
        if (t <= l.origin) {
          // baseline only
        } else if (kind === 'counter') {
          if (e <= l.maxWatts * Math.max(t - l.origin, l.graceSeconds)) micro += Math.round(e * 1e6);
        } else if (e / period <= l.maxWatts) {
          const span = firstGaugeSpan(series, s, t, l);
          micro += afterOrigin(t - span, t, Math.round(e * (span / period) * 1e6), l.origin);
        }
      } else if (kind === 'counter') {
        let d = v - prev!.v;
        if (d < 0) {
          resets++;
          d = v;
          if (s.power !== undefined && s.descriptor.dropsOnProcessExit === true) {
            // A drop above what both ends' power allows over the interval is a process exit: the
            // survivors' power at the end times the interval is booked.
            const w1 = Number.isNaN(s.power[i]!) ? 0 : s.power[i]!;
            const w0 = Number.isNaN(prev!.w) ? 0 : prev!.w;
            if (v > Math.max(w0, w1) * (t - prev!.t)) d = w1 * (t - prev!.t);
          }
        }
        const e = d * toJoules;
        if (e / (t - prev!.t) <= l.maxWatts) micro += afterOrigin(prev!.t, t, Math.round(e * 1e6), l.origin);
      } else if ((v * toJoules) / period <= l.maxWatts) {
        // Back to the node's previous scrape, never over the series' own silence.
        const from = nodePreviousScrape(series, s, t);
        micro += afterOrigin(from, t, Math.round(v * toJoules * ((t - from) / period) * 1e6), l.origin);
      }
      prev = { t, v, w: s.power?.[i] ?? NaN };
    });
  }
  return { micro, resets };
}
