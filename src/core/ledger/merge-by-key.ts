import type { SeriesSamples } from '../types.js';

/**
 * Merges series that share an identity key into one stream ordered by time, so the ledger sees one
 * counter: Kepler v0.10+ exports a finished pod once more as a separate `state="terminated"` series,
 * and older schemas change `command`/`source` labels without changing identity. Where two series
 * have a sample at the same instant, the larger value wins (for a counter, the later reading).
 * The result does not depend on the order of the input.
 */
export function mergeByKey(samples: readonly SeriesSamples[]): SeriesSamples[] {
  const merger = new KeyMerger();
  for (const s of samples) merger.add(s);
  return merger.result();
}

/** {@link mergeByKey} one series at a time (a caller may pause between series). */
export class KeyMerger {
  private readonly byKey = new Map<string, SeriesSamples | SeriesSamples[]>();

  add(s: SeriesSamples): void {
    const key = s.descriptor.key;
    const seen = this.byKey.get(key);
    if (seen === undefined) this.byKey.set(key, s);
    else if (Array.isArray(seen)) seen.push(s);
    else this.byKey.set(key, [seen, s]);
  }

  /** The merged series, one per key. */
  result(): SeriesSamples[] {
    const out: SeriesSamples[] = [];
    for (const group of this.byKey.values()) out.push(Array.isArray(group) ? mergeGroup(group) : (group as SeriesSamples));
    return out;
  }
}

function mergeGroup(group: readonly SeriesSamples[]): SeriesSamples {
  const points: [number, number][] = [];
  for (const s of group) for (let i = 0; i < s.timestamps.length; i++) points.push([s.timestamps[i] as number, s.values[i] as number]);
  points.sort(byTimeThenValue);
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

/** Time, then value with NaN (a staleness marker) first, so a real reading at the same instant wins. */
function byTimeThenValue(a: readonly [number, number], b: readonly [number, number]): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  const aNaN = Number.isNaN(a[1]);
  const bNaN = Number.isNaN(b[1]);
  if (aNaN || bNaN) return aNaN === bNaN ? 0 : aNaN ? -1 : 1;
  return a[1] - b[1];
}
