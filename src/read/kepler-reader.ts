import {
  buildSelector,
  createClassifier,
  createIgnoreExplainer,
  DETECTION_METRIC_NAMES,
  detectSchemas,
  queriesFor,
  schemaSpec,
  type Classifier,
  type ClassifyOptions,
  type IgnoredSeries,
  type IgnoreReason,
  type QuerySpec,
} from '../core/schema/index.js';
import { PROMETHEUS_LOOKBACK_SECONDS } from '../core/lookback.js';
import type { RawSeries, SchemaId, SeriesSamples } from '../core/types.js';
import type { KeplerSchemaInfo } from '../exposition/health.js';
import { inSlices } from './in-slices.js';
import type { SampleSource } from './sample-source.js';
import { allOrCancel } from './all-or-cancel.js';
import { KeyMerger } from '../core/ledger/merge-by-key.js';
import { attachPower, type PowerSamples } from '../core/ledger/power-alignment.js';

/** Options of {@link KeplerReader}. */
export interface KeplerReaderOptions {
  readonly source: SampleSource;
  /** `auto` detects from the metrics present; a fixed schema skips detection. */
  readonly schema: 'auto' | SchemaId;
  readonly classify: ClassifyOptions;
}

/** How far back build-info series are looked for (Prometheus' default lookback). */
const BUILD_INFO_LOOKBACK_SECONDS = PROMETHEUS_LOOKBACK_SECONDS;

/** How long a series left out on purpose stays in `energy_ledger_series_ignored` after its newest sample, seconds. */
export const IGNORED_MEMORY_SECONDS = 3600;

/**
 * Reads Kepler series from a sample source and turns them into ledger input: it detects which
 * schemas are present, asks for the in-scope metrics of each, classifies every series with the
 * schema catalogue and merges series that share an identity (a v0.10+ pod's `running` and
 * `terminated` series) into one time-ordered stream.
 */
export class KeplerReader {
  private readonly classifier: Classifier;
  private readonly explain: (raw: RawSeries) => IgnoredSeries | undefined;
  /** Series left out on purpose, by reason: label string → newest sample time seen. */
  private readonly ignoredSeries = new Map<IgnoreReason, Map<string, number>>();
  /** Newest sample time of any series left out on purpose. */
  private newestIgnored = -Infinity;
  private readonly unknown = new Set<string>();
  private schemas: readonly SchemaId[] = [];
  private queries: readonly QuerySpec[] = [];
  private withoutSeries: readonly SchemaId[] = [];

  constructor(private readonly options: KeplerReaderOptions) {
    this.classifier = createClassifier(options.classify);
    this.explain = createIgnoreExplainer(options.classify);
    if (options.schema !== 'auto') this.use([options.schema]);
  }

  /** Schemas the reader queries (empty until detection found one). */
  get activeSchemas(): readonly SchemaId[] {
    return this.schemas;
  }

  /** Active schemas none of whose queries matched a series in the latest {@link read} (a Kepler gone or replaced). */
  get schemasWithoutSeries(): readonly SchemaId[] {
    return this.withoutSeries;
  }

  /**
   * Distinct series left out on purpose (e.g. `unknown_zone`), by reason: those with a sample within
   * {@link IGNORED_MEMORY_SECONDS} of the newest such sample read. Not per read: a poll that re-reads only
   * the last seconds (or finds nothing new) still reports the series it leaves out. Forgets the others.
   */
  takeIgnored(): Partial<Record<IgnoreReason, number>> {
    const counts: Partial<Record<IgnoreReason, number>> = {};
    const since = this.newestIgnored - IGNORED_MEMORY_SECONDS;
    for (const [reason, keys] of this.ignoredSeries) {
      for (const [key, newest] of keys) if (newest < since) keys.delete(key);
      counts[reason] = keys.size;
    }
    return counts;
  }

  /** Every zone seen that `kepler.zones` does not map, sorted. */
  get unknownZones(): readonly string[] {
    return [...this.unknown].sort();
  }

  /** Detects the schemas present (a cluster mid-upgrade runs two) and their versions at `now`. */
  async detect(now: number, signal?: AbortSignal): Promise<KeplerSchemaInfo[]> {
    if (this.options.schema === 'auto') {
      const present = await this.options.source.presentMetricNames(DETECTION_METRIC_NAMES, signal);
      const found = detectSchemas(present);
      // An empty answer (Kepler not scraped in the last 5 min, a proxy's empty reply) keeps the schemas
      // already detected, so their samples are still read when they come back.
      if (found.length > 0 || this.schemas.length === 0) this.use(found);
    }
    // A failed version read cancels the other schema's and detection settles only when none is in flight.
    const versions = this.schemas.map((schema) => async (linked: AbortSignal) => ({ schema, version: await this.version(schema, now, linked) }));
    return allOrCancel(versions, signal);
  }

  /** Ledger input for samples in `(start, end]` of every in-scope series of the active schemas. */
  async read(start: number, end: number, signal?: AbortSignal): Promise<SeriesSamples[]> {
    // Each answer is classified as it arrives (its raw labels become garbage at once) and merged in
    // query order, in slices with a turn of the event loop between them (100k series take ~0.3 s).
    const queries = this.queries;
    const matched = new Set<SchemaId>();
    const power: PowerSamples[] = [];
    // A failed query cancels its siblings, and the read settles only once none is left in flight.
    const classified = await allOrCancel(
      queries.map((spec) => async (linked: AbortSignal) => {
        const raw = await this.options.source.fetchRange({ selector: buildSelector(spec), start, end }, linked);
        const out: SeriesSamples[] = [];
        if (spec.powerFor !== undefined) {
          await inSlices(raw.length, (i) => this.powerInto(power, raw[i] as RawSeries, spec.powerFor as string));
          return out;
        }
        if (raw.length > 0) matched.add(spec.schema);
        await inSlices(raw.length, (i) => this.classifyInto(out, raw[i] as RawSeries));
        return out;
      }),
      signal,
    );
    this.withoutSeries = [...new Set(queries.map((q) => q.schema))].filter((schema) => !matched.has(schema));
    const merger = new KeyMerger();
    for (const list of classified) await inSlices(list.length, (i) => merger.add(list[i] as SeriesSamples));
    return attachPower(merger.result(), power);
  }

  private classifyInto(out: SeriesSamples[], series: RawSeries): void {
    const descriptor = this.classifier(series);
    if (descriptor !== undefined) {
      out.push({ descriptor, timestamps: series.timestamps, values: series.values });
      return;
    }
    const why = this.explain(series);
    if (why === undefined) return;
    const n = series.timestamps.length;
    if (n === 0) return;
    const newest = series.timestamps[n - 1]!;
    let keys = this.ignoredSeries.get(why.reason);
    if (keys === undefined) this.ignoredSeries.set(why.reason, (keys = new Map()));
    const key = JSON.stringify(Object.entries(series.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (!(newest <= (keys.get(key) ?? -Infinity))) keys.set(key, newest);
    if (newest > this.newestIgnored) this.newestIgnored = newest;
    if (why.reason === 'unknown_zone') this.unknown.add(why.zone);
  }

  /** A power gauge's series under the key of its counter (same labels but the name). */
  private powerInto(out: PowerSamples[], series: RawSeries, counter: string): void {
    const descriptor = this.classifier({ ...series, labels: { ...series.labels, __name__: counter } });
    if (descriptor !== undefined) out.push({ key: descriptor.key, timestamps: series.timestamps, values: series.values });
  }

  /** Queries exactly these schemas from now on (e.g. all of them for a report over a past period). */
  useSchemas(schemas: readonly SchemaId[]): void {
    this.use(schemas);
  }

  private use(schemas: readonly SchemaId[]): void {
    this.schemas = schemas;
    this.queries = schemas.flatMap((schema) => queriesFor(schema, this.options.classify));
  }

  private async version(schema: SchemaId, now: number, signal: AbortSignal): Promise<string> {
    const selector = schemaSpec(schema).buildInfo;
    const series = await this.options.source.fetchRange({ selector, start: now - BUILD_INFO_LOOKBACK_SECONDS, end: now }, signal);
    const versions = [...new Set(series.map((s) => s.labels.version).filter((v): v is string => !!v))].sort();
    return versions.length > 0 ? versions.join(',') : 'unknown';
  }
}
