import type { SeriesSamples } from '../types.js';

/** Samples of one power gauge (e.g. `kepler_pod_gpu_watts`), under the key of the counter it goes with. */
export interface PowerSamples {
  readonly key: string;
  readonly timestamps: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

/**
 * Gives every counter that drops on process exit the power read alongside it, sample by sample: the
 * gauge's value at the counter's timestamp (both come from the same scrape), `NaN` where there is none
 * (Kepler exports the gauge only above 0 W). Counters with no power series at all are left as they are
 * (the ledger then treats a drop as a reset). Power series with the same key (a pod's `running` and
 * `terminated` series) are merged.
 */
export function attachPower(samples: readonly SeriesSamples[], power: readonly PowerSamples[]): SeriesSamples[] {
  if (power.length === 0) return [...samples];
  const byKey = new Map<string, Map<number, number>>();
  for (const p of power) {
    let at = byKey.get(p.key);
    if (at === undefined) byKey.set(p.key, (at = new Map()));
    for (let i = 0; i < p.timestamps.length; i++) {
      const v = p.values[i] as number;
      if (!Number.isNaN(v)) at.set(p.timestamps[i] as number, v);
    }
  }
  return samples.map((s) => {
    const at = s.descriptor.dropsOnProcessExit === true ? byKey.get(s.descriptor.key) : undefined;
    if (at === undefined) return s;
    const values = new Float64Array(s.timestamps.length);
    for (let i = 0; i < values.length; i++) values[i] = at.get(s.timestamps[i] as number) ?? Number.NaN;
    return { ...s, power: values };
  });
}
