/**
 * The namespace cap (`max_namespaces`): which new namespace groups get their own account.
 *
 * Rule: within each ingested batch, the new groups are admitted in order of their earliest sample
 * time, ties broken by group key, while fewer than the cap hold an account; the rest book into the
 * overflow group (`__other__`). Polls read time in order (the backfill in chunks from the oldest),
 * so the admitted set is the first N namespaces by first sample time: the same for two replicas
 * that read the same samples, and after a restart as long as those namespaces are still in the
 * backfill. The order of series inside a response never matters.
 * A series keeps the group it was given when it was first seen. A capped group whose series have
 * all been dropped (silent past the series TTL) and whose buckets hold nothing is freed at the end of
 * a batch, which makes room for a new namespace (its joules total restarts from 0 if it returns).
 */
import { groupKeyOf } from '../schema/key-codec.js';
import type { SeriesSamples } from '../types.js';

/**
 * Keys of the namespace groups first seen in `batch` (series not yet tracked, groups without an
 * account), ordered by earliest finite sample time, then key. Groups without a finite time come last.
 */
export function newNamespaceGroups(
  batch: readonly SeriesSamples[],
  isTrackedSeries: (key: string) => boolean,
  hasAccount: (groupKey: string) => boolean,
): string[] {
  const first = new Map<string, number>();
  for (const s of batch) {
    if (s.descriptor.scope !== 'namespace' || isTrackedSeries(s.descriptor.key)) continue;
    const key = groupKeyOf(s.descriptor.group);
    if (hasAccount(key)) continue;
    let t = Infinity;
    for (let i = 0; i < s.timestamps.length; i++) {
      const ti = s.timestamps[i]!;
      if (Number.isFinite(ti) && ti < t) t = ti;
    }
    const seen = first.get(key);
    if (seen === undefined || t < seen) first.set(key, t);
  }
  return [...first.entries()]
    .sort((a, b) => (a[1] !== b[1] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([key]) => key);
}
