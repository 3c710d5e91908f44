import type { Scope, SeriesDescriptor, SeriesSamples } from '../../../src/core/types.js';

/** A hand-made descriptor: counter in joules by default. */
export function descriptor(key: string, over: Partial<SeriesDescriptor> = {}): SeriesDescriptor {
  return {
    key,
    schema: 'v0.10+',
    scope: 'namespace',
    kind: 'counter',
    toJoules: 1,
    group: ['ns-' + key],
    node: 'node-1',
    component: 'package',
    ...over,
  };
}

/** A v0.3-style gauge descriptor: millijoules per `period` seconds. */
export function gauge(key: string, period = 3, over: Partial<SeriesDescriptor> = {}): SeriesDescriptor {
  return descriptor(key, { schema: 'v0.3', kind: 'gauge', toJoules: 0.001, samplePeriodSeconds: period, ...over });
}

/** Samples of one series from `[time, value]` pairs. */
export function samples(d: SeriesDescriptor, pairs: readonly (readonly [number, number])[]): SeriesSamples {
  return { descriptor: d, timestamps: pairs.map((p) => p[0]), values: pairs.map((p) => p[1]) };
}

/** Joules of one group from a per-group query result. */
export function joulesOf(rows: readonly { labels: readonly string[]; joules: number }[], ...labels: string[]): number {
  const row = rows.find((r) => r.labels.join('\u0001') === labels.join('\u0001'));
  if (row === undefined) throw new Error(`no group ${labels.join(',')}`);
  return row.joules;
}

/** A scope-labelled descriptor for node series. */
export function nodeDescriptor(key: string, node: string): SeriesDescriptor {
  return descriptor(key, { scope: 'node' satisfies Scope, group: [node], node });
}
