import type { SeriesSamples } from '../core/types.js';

/**
 * Merges series that share an identity key into one stream ordered by time, so the ledger sees one
 * counter: Kepler v0.10+ exports a finished pod once more as a separate `state="terminated"` series,
 * and older schemas change `command`/`source` labels without changing identity. Where two series
 * have a sample at the same instant, the larger value wins (for a counter, the later reading).
 * The result does not depend on the order of the input.
 */
export function mergeByKey(samples: readonly SeriesSamples[]): SeriesSamples[] {
  const byKey = new Map<string, SeriesSamples[]>();
  for (const s of samples) {
    const group = byKey.get(s.descriptor.key);
    if (group === undefined) byKey.set(s.descriptor.key, [s]);
    else group.push(s);
  }
  const out: SeriesSamples[] = [];
  for (const group of byKey.values()) out.push(group.length === 1 ? (group[0] as SeriesSamples) : mergeGroup(group));
  return out;
}

function mergeGroup(group: readonly SeriesSamples[]): SeriesSamples {
  const points: [number, number][] = [];
  for (const s of group) for (let i = 0; i < s.timestamps.length; i++) points.push([s.timestamps[i] as number, s.values[i] as number]);
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const timestamps: number[] = [];
  const values: number[] = [];
  for (const [t, v] of points) {
    if (timestamps.length > 0 && timestamps[timestamps.length - 1] === t) values[values.length - 1] = v;
    else {
      timestamps.push(t);
      values.push(v);
    }
  }
  // Equal keys imply equal group, node and component, so any member's descriptor will do.
  return { descriptor: (group[0] as SeriesSamples).descriptor, timestamps, values };
}
