import { NODE_LABELS } from '../core/schema/catalogue.js';
import { METRIC_NAMES_BY_SCHEMA } from '../core/schema/catalogue.js';
import type { ShardSpec } from '../core/shard/node-hash.js';
import { nodeLabelMatch, shardMatchers } from '../core/shard/shard-matchers.js';
import type { RawSeries } from '../core/types.js';
import { addMatchers } from '../prometheus/selector.js';
import type { RangeRequest, SampleSource } from './sample-source.js';

/** Every accounted Kepler metric, of every schema: reads of these are sharded, all others pass through. */
const ACCOUNTED = new Set(Object.values(METRIC_NAMES_BY_SCHEMA).flat());
const ACCOUNTED_SELECTOR = `{__name__=~${JSON.stringify([...ACCOUNTED].sort().join('|'))}}`;

/**
 * A sample source that reads only one shard's nodes (`--shard i/N`). Before a range is read, the node
 * names present in it come from the label values API (index only: one request per node label, shared
 * by every query of the same range), and each read of an accounted Kepler metric becomes one query per
 * node label that names some of this shard's nodes, with the matchers of `shardMatchers` (a node
 * belongs to shard `fnv1a32(node) mod N`). The node list is that of the range read, so a node that
 * appears is read from its first sample on, and the backfill sees every node of its whole range.
 */
export class ShardedSource implements SampleSource {
  private matchers: { readonly key: string; readonly value: Promise<string[]> } | undefined;

  constructor(
    private readonly inner: SampleSource,
    readonly shard: ShardSpec,
  ) {
    if (inner.labelValues === undefined) throw new Error('--shard needs a Prometheus-compatible API (this source has no label values)');
  }

  async fetchRange(request: RangeRequest, signal?: AbortSignal): Promise<RawSeries[]> {
    const metric = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(request.selector)?.[0] ?? '';
    if (!ACCOUNTED.has(metric)) return this.inner.fetchRange(request, signal);
    const alternatives = await this.matchersFor(request.start, request.end, signal);
    // The alternatives select disjoint series: their answers are simply joined.
    const parts = await Promise.all(alternatives.map((m) => this.inner.fetchRange({ ...request, selector: addMatchers(request.selector, m) }, signal)));
    return parts.flat();
  }

  presentMetricNames(names: readonly string[], signal?: AbortSignal): Promise<Set<string>> {
    return this.inner.presentMetricNames(names, signal);
  }

  labelValues(label: string, selector: string, start: number, end: number, signal?: AbortSignal): Promise<string[]> {
    return (this.inner.labelValues as NonNullable<SampleSource['labelValues']>).call(this.inner, label, selector, start, end, signal);
  }

  /** This shard's alternatives for a range (the last range's are reused by every query of it; a failure is not kept). */
  private matchersFor(start: number, end: number, signal?: AbortSignal): Promise<string[]> {
    const key = `${start},${end}`;
    if (this.matchers?.key === key) return this.matchers.value;
    const value = this.read(start, end, signal);
    const entry = { key, value };
    this.matchers = entry;
    value.catch(() => {
      if (this.matchers === entry) this.matchers = undefined;
    });
    return value;
  }

  private async read(start: number, end: number, signal?: AbortSignal): Promise<string[]> {
    const lists = await Promise.all(
      NODE_LABELS.map((label) => this.labelValues(label, addMatchers(ACCOUNTED_SELECTOR, nodeLabelMatch(label).join(',')), start, end, signal)),
    );
    return shardMatchers(new Map(NODE_LABELS.map((label, i) => [label, lists[i] as string[]])), this.shard);
  }
}
