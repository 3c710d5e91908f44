import { NODE_LABELS } from '../core/schema/catalogue.js';
import { METRIC_NAMES_BY_SCHEMA } from '../core/schema/catalogue.js';
import type { ShardSpec } from '../core/shard/node-hash.js';
import { nodeLabelMatch, shardMatchers, type NodeValues } from '../core/shard/shard-matchers.js';
import type { RawSeries } from '../core/types.js';
import { addMatchers } from '../prometheus/selector.js';
import type { RangeRequest, SampleSource } from './sample-source.js';

/** Every accounted Kepler metric, of every schema: reads of these are sharded, all others pass through. */
const ACCOUNTED = new Set(Object.values(METRIC_NAMES_BY_SCHEMA).flat());
/** Above this many series without the first node label, the node list comes from label values per node label. */
const SERIES_LIST_LIMIT = 1000;
const ACCOUNTED_SELECTOR = `{__name__=~${JSON.stringify([...ACCOUNTED].sort().join('|'))}}`;

/**
 * A sample source that reads only one shard's nodes (`--shard i/N`). Before a range is read, the node
 * names present in it are looked up from the index (shared by every query of the same range): the
 * values of the first node label, and the label sets of the series that lack it (two requests; Kepler
 * sets `node_name` on every series, so the second answer is normally empty). Where more than 1,000
 * series lack it (or the series list fails), that range and the following ones use one label values
 * request per node label instead (four), until they find no such series again. Each read of an
 * accounted Kepler metric then becomes one query per node label that names some of this shard's
 * nodes, with the matchers of `shardMatchers` (a node belongs to shard `fnv1a32(node) mod N`). The node list is that of the range read, so a node that
 * appears is read from its first sample on, and the backfill sees every node of its whole range.
 */
export class ShardedSource implements SampleSource {
  private matchers: { readonly key: string; readonly value: Promise<string[]> } | undefined;
  /** Whether the series that lack the first node label are listed with the series API (else: label values per node label). */
  private viaSeries: boolean;

  constructor(
    private readonly inner: SampleSource,
    readonly shard: ShardSpec,
  ) {
    if (inner.labelValues === undefined) throw new Error('--shard needs a Prometheus-compatible API (this source has no label values)');
    this.viaSeries = inner.seriesLabels !== undefined;
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
    const values = (this.viaSeries ? await this.fromSeries(start, end, signal) : undefined) ?? (await this.fromLabelValues(start, end, signal));
    return shardMatchers(values, this.shard);
  }

  /**
   * The node values from the values of the first node label and the series that lack it; undefined
   * (and label values per node label from now on) when more than `SERIES_LIST_LIMIT` lack it or the
   * series list fails.
   */
  private async fromSeries(start: number, end: number, signal?: AbortSignal): Promise<NodeValues | undefined> {
    const [first, ...later] = NODE_LABELS as [string, ...string[]];
    const inner = this.inner as Required<Pick<SampleSource, 'seriesLabels'>>;
    const [names, rest] = await Promise.all([
      this.labelValues(first, ACCOUNTED_SELECTOR, start, end, signal),
      inner.seriesLabels(addMatchers(ACCOUNTED_SELECTOR, `${first}=""`), start, end, signal, SERIES_LIST_LIMIT + 1).catch((error: unknown) => {
        if (signal?.aborted) throw error;
        return undefined;
      }),
    ]);
    if (rest === undefined || rest.length > SERIES_LIST_LIMIT) {
      this.viaSeries = false;
      return undefined;
    }
    // The same values the label values of each later label give: its own among the series whose
    // earlier node labels are all empty.
    const values = new Map<string, string[]>([[first, names], ...later.map((label): [string, string[]] => [label, []])]);
    for (const labels of rest) {
      const label = later.find((l) => (labels[l] ?? '') !== '');
      if (label !== undefined) values.get(label)?.push(labels[label] as string);
    }
    return values;
  }

  /** The node values from one label values request per node label (back to the series list once none but the first is used). */
  private async fromLabelValues(start: number, end: number, signal?: AbortSignal): Promise<NodeValues> {
    const lists = await Promise.all(
      NODE_LABELS.map((label) => this.labelValues(label, addMatchers(ACCOUNTED_SELECTOR, nodeLabelMatch(label).join(',')), start, end, signal)),
    );
    if (this.inner.seriesLabels !== undefined && lists.slice(1).every((list) => list.length === 0)) this.viaSeries = true;
    return new Map(NODE_LABELS.map((label, i) => [label, lists[i] as string[]]));
  }
}
