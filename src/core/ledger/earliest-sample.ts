import type { SeriesSamples } from '../types.js';

/** The earliest finite sample time of a batch (a series' samples are in time order), or undefined when it has none. */
export function earliestSampleTime(batch: Iterable<SeriesSamples>): number | undefined {
  let earliest = Infinity;
  for (const s of batch) {
    for (let i = 0; i < s.timestamps.length; i++) {
      const t = s.timestamps[i]!;
      if (Number.isFinite(t)) {
        if (t < earliest) earliest = t;
        break;
      }
    }
  }
  return earliest === Infinity ? undefined : earliest;
}
