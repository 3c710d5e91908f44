import { groupKeyOf } from '../schema/key-codec.js';
import type { HourRow, LedgerStats, RejectReason, Scope, SeriesDescriptor, SeriesSamples } from '../types.js';
import { accountSeries, zeroCounts } from './account-series.js';
import { DAY_SLOTS, oldestPublishedDay } from './calendar.js';
import { newNamespaceGroups } from './cardinality.js';
import { GroupAccount } from './group-account.js';
import { NodeScrapes, type ScrapeCursor } from './node-scrapes.js';
import { type LedgerOptions, OVERFLOW_LABEL_VALUE, type ResolvedLedgerOptions, resolveLedgerOptions } from './options.js';
import { ResetCauses } from './reset-causes.js';
import { SeriesTable } from './series-table.js';
import { NODE_SILENCE_SECONDS, SettledWatermark } from './settled-watermark.js';
import { bucketIndexOf, HOUR_SECONDS, hourStartOf } from './time.js';

/** What one {@link Ledger.ingest} call did with its samples. */
export interface IngestResult {
  /** Samples accounted (including baselines). */
  readonly accepted: number;
  /** Samples at or before their series' newest accounted sample (re-reads of an overlap). */
  readonly skipped: number;
  readonly rejected: Readonly<Record<RejectReason, number>>;
  /** Counter drops, process exits included. */
  readonly resets: number;
  /** Of `resets`, GPU process exits (a normal event, not an anomaly). */
  readonly processExits: number;
}

/** The queries of one {@link Ledger.scan}: window lengths (seconds), hour starts and inclusive day ranges. */
export interface ScopeQuery {
  readonly windows: readonly number[];
  readonly hours: readonly number[];
  readonly days: readonly { readonly fromDay: number; readonly toDay: number }[];
}

/** Energy of one group, joules. */
export interface GroupJoules {
  readonly labels: readonly string[];
  readonly joules: number;
}

/**
 * The pure accounting ledger: turns raw Kepler samples into exact per-group energy (total since the
 * origin, fine buckets for trailing windows, clock hours). A pure function of the samples: any split
 * into batches, with overlaps and repeats, in any series order, gives an identical ledger.
 * Every per-group query returns all groups of the scope in the same order (sorted by labels).
 */
export class Ledger {
  readonly options: ResolvedLedgerOptions;
  private readonly series = new SeriesTable();
  private readonly scopes: Record<Scope, Map<string, GroupAccount>> = { namespace: new Map(), node: new Map() };
  private readonly sorted: Record<Scope, GroupAccount[] | undefined> = { namespace: undefined, node: undefined };
  private readonly fineSlots: number;
  /** The calendar's day lookup, one function shared by every group (undefined without a calendar). */
  private readonly dayOf: ((hourStart: number) => number) | undefined;
  private readonly hourSlots: number;
  /** The `__other__` group of namespaces beyond `maxNamespaces`, once needed. */
  private overflow: GroupAccount | undefined;
  /** The settled watermark (see `settled-watermark.ts`): windows end and periods close there. */
  private watermarkValue = -Infinity;
  /** Each node's newest sample: the high watermark, and the settled one it settles to. */
  private readonly settled = new SettledWatermark();
  private readonly scrapes = new NodeScrapes();
  private readonly causes = new ResetCauses();
  private readonly lifetimeCounts = { samples: 0, resets: 0, implausible: 0, outOfOrder: 0, malformed: 0 };

  constructor(options: LedgerOptions) {
    this.options = resolveLedgerOptions(options);
    const longest = Math.max(...this.options.windows.map((w) => w.seconds));
    this.fineSlots = (longest + HOUR_SECONDS) / this.options.bucketSeconds;
    this.hourSlots = Math.ceil(this.options.retentionSeconds / HOUR_SECONDS) + 1;
    const calendar = this.options.calendar;
    this.dayOf = calendar === undefined ? undefined : (h) => calendar.dayOf(h);
  }

  /** Accounts a batch of samples (see `account-series.ts` for the rules) and returns what it did. */
  ingest(batch: Iterable<SeriesSamples>): IngestResult {
    const steps = this.ingestSteps(batch, Infinity);
    for (;;) {
      const step = steps.next();
      if (step.done === true) return step.value;
    }
  }

  /**
   * {@link ingest} in steps: yields after every `seriesPerStep` series, so an adapter can give the
   * event loop a turn between steps (100k series take 0.1–0.3 s). The result is that of `ingest`.
   * Until the last step the ledger is mid-batch: do not ingest into it meanwhile; reads see a state
   * between the previous batch and this one (the watermark moves at the last step).
   */
  *ingestSteps(batch: Iterable<SeriesSamples>, seriesPerStep = 4096): Generator<void, IngestResult> {
    const counts = zeroCounts();
    const start = this.settled.highWatermark;
    let watermark = start;
    const items: readonly SeriesSamples[] = Array.isArray(batch) ? batch : [...batch];
    if (this.options.maxNamespaces !== undefined) this.admit(items, this.options.maxNamespaces);
    // A gauge sample needs its node's previous scrape, which any series of the batch may hold.
    for (const s of items) if (s.descriptor.kind === 'gauge') this.scrapes.observe(nodeKeyOf(s.descriptor), s.timestamps);
    const batchState = { table: this.series, options: this.options, counts, stale: start, causes: this.causes };
    let n = 0;
    for (const s of items) {
      const d = s.descriptor;
      const slot = this.series.slotOf(d.key) ?? this.series.add(d.key, this.groupFor(s));
      const cursor = d.kind === 'gauge' ? this.scrapes.cursor(nodeKeyOf(d)) : NO_SCRAPES;
      const newest = accountSeries(batchState, slot, s, cursor);
      if (newest > watermark) watermark = newest;
      if (d.scope === 'node') this.causes.nodeRead(d.node, newest);
      this.settled.observe(nodeKeyOf(d), newest);
      if (++n === seriesPerStep) {
        n = 0;
        yield;
      }
    }
    this.scrapes.settle(watermark, this.options.seriesTtlSeconds);
    this.watermarkValue = this.settled.settle();
    this.causes.settle(watermark, this.options.seriesTtlSeconds);
    if (watermark > -Infinity) this.evict(watermark);
    const t = this.lifetimeCounts;
    t.samples += counts.accepted;
    t.resets += counts.resets;
    t.implausible += counts.implausible;
    t.outOfOrder += counts.outOfOrder;
    t.malformed += counts.malformed;
    return {
      accepted: counts.accepted,
      skipped: counts.skipped,
      rejected: { implausible: counts.implausible, out_of_order: counts.outOfOrder, malformed: counts.malformed },
      resets: counts.resets,
      processExits: counts.processExits,
    };
  }

  /**
   * The settled watermark, unix seconds: the newest time up to which every active node has reported
   * (see `settled-watermark.ts`); undefined before the first sample. Windows end here and periods close here.
   */
  get watermark(): number | undefined {
    return this.watermarkValue === -Infinity ? undefined : this.watermarkValue;
  }

  /** Time of the newest sample consumed of a tracked series (re-reads at or before it are skipped); undefined when not tracked. */
  newestSampleTime(key: string): number | undefined {
    const slot = this.series.slotOf(key);
    return slot === undefined ? undefined : this.series.cursor[slot];
  }

  /** Tracked series whose namespace is beyond `maxNamespaces` and books into `__other__` (0 without a cap). */
  get overflowSeries(): number {
    return this.overflow?.seriesCount ?? 0;
  }

  /** Running counters since the ledger was created. */
  stats(): LedgerStats {
    const t = this.lifetimeCounts;
    return {
      samples: t.samples,
      rejected: { implausible: t.implausible, out_of_order: t.outOfOrder, malformed: t.malformed },
      resets: t.resets,
      resetsByCause: this.causes.byCause(),
      series: this.series.size,
    };
  }

  /** Label values of every group of the scope, sorted. */
  groups(scope: Scope): (readonly string[])[] {
    return this.sortedGroups(scope).map((g) => g.labels);
  }

  /** Energy since the origin per group, joules; monotonic. */
  totals(scope: Scope): GroupJoules[] {
    return this.sortedGroups(scope).map((g) => ({ labels: g.labels, joules: g.totalJoules() }));
  }

  /**
   * Energy per group in `(watermark − seconds, watermark]`, joules. Exact on whole buckets; the one
   * bucket that holds the window's start contributes linearly by the share of it inside the window
   * (exact when the watermark is bucket-aligned). All zero before the first sample.
   */
  window(scope: Scope, seconds: number): GroupJoules[] {
    const read = this.windowReader(seconds);
    return this.sortedGroups(scope).map((g) => ({ labels: g.labels, joules: read(g) }));
  }

  /** Energy per group in the clock hour starting at `hourStart`, joules (0 for hours not held). */
  hourEnergy(scope: Scope, hourStart: number): GroupJoules[] {
    const read = this.hourReader(hourStart);
    return this.sortedGroups(scope).map((g) => ({ labels: g.labels, joules: read(g) }));
  }

  /**
   * Hours the ledger holds with `fromHourStart <= hourStart < toHourStart`, sorted by hour then labels.
   * A group appears (with a row for every such hour, zeros included) if it has energy in any of them.
   */
  hours(scope: Scope, fromHourStart: number, toHourStart: number): HourRow[] {
    const held = this.heldHours();
    if (held === undefined) return [];
    const first = Math.max(held.first, hourIndex(fromHourStart));
    const last = Math.min(held.last, hourIndex(toHourStart) - 1);
    const active = this.sortedGroups(scope).filter((g) => {
      if (g.hours.empty) return false;
      for (let h = first; h <= last; h++) if (g.hours.get(h) > 0) return true;
      return false;
    });
    const rows: HourRow[] = [];
    for (let h = first; h <= last; h++) {
      for (const g of active) rows.push({ hourStart: h * HOUR_SECONDS, labels: g.labels, joules: g.hours.get(h) / 1e6 });
    }
    return rows;
  }

  /**
   * Energy per group in the local days `fromDay..toDay` (inclusive day numbers of the calendar), joules;
   * only days the ledger holds count (those of the published day periods, see {@link heldDays}, and
   * energy after the origin). Throws without a calendar.
   */
  daysEnergy(scope: Scope, fromDay: number, toDay: number): GroupJoules[] {
    const read = this.daysReader(fromDay, toDay);
    return this.sortedGroups(scope).map((g) => ({ labels: g.labels, joules: read(g) }));
  }

  /**
   * {@link totals}, {@link window}, {@link hourEnergy} and {@link daysEnergy} of every group of the
   * scope in one pass, in the same order and with the same numbers, without a result array per query:
   * `visit` gets the group's labels, its total and the joules of the queries in the order windows, hours,
   * days, in a buffer reused for the next group (copy what you keep).
   */
  scan(scope: Scope, query: ScopeQuery, visit: (labels: readonly string[], totalJoules: number, joules: Float64Array) => void): void {
    const readers = [
      ...query.windows.map((seconds) => this.windowReader(seconds)),
      ...query.hours.map((hourStart) => this.hourReader(hourStart)),
      ...query.days.map((d) => this.daysReader(d.fromDay, d.toDay)),
    ];
    const joules = new Float64Array(readers.length);
    for (const g of this.sortedGroups(scope)) {
      for (let j = 0; j < readers.length; j++) joules[j] = readers[j]!(g);
      visit(g.labels, g.totalJoules(), joules);
    }
  }

  /**
   * Reads a group's energy in `(watermark − seconds, watermark]`, joules (see {@link window}): exact on
   * whole buckets, the bucket holding the start by its share; 0 before the first sample.
   */
  private windowReader(seconds: number): (g: GroupAccount) => number {
    const width = this.options.bucketSeconds;
    if (!Number.isInteger(seconds / width) || seconds <= 0 || seconds > (this.fineSlots - 1) * width) {
      throw new Error(`invalid window: ${seconds}s must be a positive multiple of ${width}s up to the longest window`);
    }
    const w = this.watermarkValue;
    const newest = bucketIndexOf(w, width);
    const oldest = newest - seconds / width;
    const share = ((newest + 1) * width - w) / width;
    return (g) => {
      if (w === -Infinity || g.fine.empty) return 0;
      const micro = g.fine.sum(oldest + 1, newest);
      return (micro + g.fine.get(oldest) * share) / 1e6;
    };
  }

  /** Reads a group's energy in the clock hour starting at `hourStart`, joules (see {@link hourEnergy}). */
  private hourReader(hourStart: number): (g: GroupAccount) => number {
    const h = hourIndex(hourStart);
    const held = this.heldHours();
    const inRange = held !== undefined && h >= held.first && h <= held.last;
    return (g) => (inRange ? g.hours.get(h) / 1e6 : 0);
  }

  /** Reads a group's energy in the held days of `fromDay..toDay`, joules (see {@link daysEnergy}). */
  private daysReader(fromDay: number, toDay: number): (g: GroupAccount) => number {
    const held = this.heldDays();
    const first = held === undefined ? 0 : Math.max(fromDay, held.first);
    const last = held === undefined ? -1 : Math.min(toDay, held.last);
    return (g) => g.days!.sum(first, last) / 1e6;
  }

  /**
   * Day numbers held: from the oldest day a published day period reads ({@link oldestPublishedDay}: the
   * first of the month or yesterday) to the watermark's day, and not before the origin's day.
   */
  heldDays(): { first: number; last: number } | undefined {
    const calendar = this.options.calendar;
    if (calendar === undefined) throw new Error('this ledger keeps no day totals: pass a calendar in its options');
    if (this.watermarkValue === -Infinity) return undefined;
    const last = calendar.dayOf(hourStartOf(this.watermarkValue));
    return { first: Math.max(oldestPublishedDay(calendar, last), calendar.dayOf(Math.floor(this.options.origin / HOUR_SECONDS) * HOUR_SECONDS)), last };
  }

  /** Index range of the clock hours held: within the retention, ending after the origin. */
  private heldHours(): { first: number; last: number } | undefined {
    if (this.watermarkValue === -Infinity) return undefined;
    const last = bucketIndexOf(this.watermarkValue, HOUR_SECONDS);
    return { first: Math.max(last - this.hourSlots + 1, Math.floor(this.options.origin / HOUR_SECONDS)), last };
  }

  private groupFor(s: SeriesSamples): GroupAccount {
    const { scope, group } = s.descriptor;
    const key = groupKeyOf(group);
    const account = this.scopes[scope].get(key);
    if (account !== undefined) return account;
    // Under a cap, `admit` has already created the account of every admitted new group.
    if (scope === 'namespace' && this.options.maxNamespaces !== undefined) return this.overflowGroup(group.length);
    return this.createGroup(scope, group);
  }

  private createGroup(scope: Scope, labels: readonly string[]): GroupAccount {
    const key = groupKeyOf(labels);
    const bucketsPerHour = HOUR_SECONDS / this.options.bucketSeconds;
    const account = new GroupAccount(key, Object.freeze([...labels]), this.fineSlots, this.hourSlots, bucketsPerHour, this.dayOf, DAY_SLOTS);
    this.scopes[scope].set(key, account);
    this.sorted[scope] = undefined;
    return account;
  }

  /** Creates accounts for the new namespace groups of `batch` that fit under the cap (see `cardinality.ts`). */
  private admit(batch: readonly SeriesSamples[], cap: number): void {
    const accounts = this.scopes.namespace;
    const fresh = newNamespaceGroups(batch, (k) => this.series.slotOf(k) !== undefined, (k) => accounts.has(k));
    if (fresh.length === 0) return;
    const labelsOf = new Map(batch.map((s) => [groupKeyOf(s.descriptor.group), s.descriptor.group]));
    for (const key of fresh) {
      if (accounts.size - (this.overflow === undefined ? 0 : 1) >= cap) break;
      this.createGroup('namespace', labelsOf.get(key)!);
    }
  }

  private overflowGroup(labelCount: number): GroupAccount {
    if (this.overflow === undefined) {
      this.overflow = this.createGroup('namespace', new Array<string>(labelCount).fill(OVERFLOW_LABEL_VALUE));
    }
    return this.overflow;
  }

  private sortedGroups(scope: Scope): GroupAccount[] {
    let list = this.sorted[scope];
    if (list === undefined) {
      list = [...this.scopes[scope].values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      this.sorted[scope] = list;
    }
    return list;
  }

  /**
   * Drops silent series, frees group rings that hold nothing the queries can still read, and compacts
   * the rings of groups silent for an hour (see `BucketRing.compact`; reads are unchanged), so that a
   * namespace that has left keeps only its non-zero buckets until it leaves every window and period.
   */
  private evict(watermark: number): void {
    this.series.dropSilent(watermark, this.options.seriesTtlSeconds);
    const newestBucket = bucketIndexOf(watermark, this.options.bucketSeconds);
    const oldestBucket = newestBucket - this.fineSlots + 1;
    const silentBefore = newestBucket - HOUR_SECONDS / this.options.bucketSeconds;
    const oldestHour = bucketIndexOf(watermark, HOUR_SECONDS) - this.hourSlots + 1;
    const calendar = this.options.calendar;
    // Day periods close at the settled watermark, which is at most NODE_SILENCE_SECONDS behind this one.
    const oldestDay = calendar === undefined ? 0 : oldestPublishedDay(calendar, calendar.dayOf(hourStartOf(watermark - NODE_SILENCE_SECONDS)));
    for (const accounts of Object.values(this.scopes)) {
      for (const g of accounts.values()) {
        g.fine.releaseBefore(oldestBucket);
        g.hours.releaseBefore(oldestHour);
        g.days?.releaseBefore(oldestDay);
        if (!(g.fine.head > silentBefore)) g.compact();
      }
    }
    this.forgetIdleGroups();
  }

  /**
   * Forgets groups that no tracked series books into and whose buckets hold nothing (silent for
   * longer than the retention): nothing readable is lost, memory stays bounded under namespace churn,
   * and under a cap the slot is free again. Such a group's total restarts from 0 if it comes back.
   */
  private forgetIdleGroups(): void {
    for (const scope of ['namespace', 'node'] as const) {
      const accounts = this.scopes[scope];
      // Over the values, not the entries: an entry is a [key, value] array, per group and batch.
      for (const g of accounts.values()) {
        if (g === this.overflow || g.seriesCount > 0 || !g.fine.empty || !g.hours.empty || g.days?.empty === false) continue;
        accounts.delete(g.key);
        this.sorted[scope] = undefined;
      }
    }
  }
}

/** Counters need no scrape times. */
const NO_SCRAPES: ScrapeCursor = { before: () => -Infinity };

/** The node's identity across clusters (see `SeriesDescriptor.nodeKey`). */
function nodeKeyOf(d: SeriesDescriptor): string {
  return d.nodeKey ?? d.node;
}

function hourIndex(hourStart: number): number {
  if (!Number.isInteger(hourStart / HOUR_SECONDS)) throw new Error(`invalid hour start: ${hourStart} is not a multiple of 3600`);
  return hourStart / HOUR_SECONDS;
}
