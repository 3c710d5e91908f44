/**
 * The base of the `…_joules_total` counters: counter = base(M) + month_to_date × 3600 in the current local
 * month M, so the counters continue across the month start instead of falling to 0. base(M) is read back
 * from the service's own published series at start-up ({@link PublishedCounters}); a process that crosses
 * into a new month carries it: base(M+1) = base(M) + the final month to date of M. Months are the day
 * numbers of their first day (see `calendar.ts`); nothing here reads a clock.
 */
import type { Scope } from '../types.js';
import { groupKeyOf } from '../schema/key-codec.js';

/** One group's counter and month to date as one published scrape held them, joules. */
export interface PublishedCounterGroup {
  readonly scope: Scope;
  readonly labels: readonly string[];
  readonly counterJoules: number;
  /** `month_to_date` × 3600 of the same scrape; 0 when that scrape published no `month_to_date` for the group. */
  readonly monthToDateJoules: number;
}

/** The scrape of the service's own counters taken at start-up: its month and groups (none on a fresh install). */
export interface PublishedCounters {
  /** Month of the scrape's watermark (day number of its first day); undefined when nothing was published. */
  readonly month: number | undefined;
  readonly groups: readonly PublishedCounterGroup[];
}

/** Nothing published yet: every base is 0. */
export const NO_PUBLISHED_COUNTERS: PublishedCounters = { month: undefined, groups: [] };

/** Where a snapshot stands in the calendar. */
export interface CounterMonth {
  /** Month of the snapshot's watermark (day number of its first day). */
  readonly month: number;
  /** Day number of the watermark's local day. */
  readonly today: number;
}

/** One group's month so far, integer µJ, as a snapshot publishes it. */
export interface MonthEnergy {
  readonly monthMicroJoules: number;
  readonly todayMicroJoules: number;
}

interface BaseEntry {
  readonly labels: readonly string[];
  /** Counter value at the month start, joules. */
  base: number;
  /** The month's energy before `today`, joules (settled: later samples book into today). */
  beforeToday: number;
  /** Energy of `today` so far, joules. */
  todaySoFar: number;
  /** Day of the last snapshot that saw the group in this month; undefined when only the published scrape did. */
  today: number | undefined;
  /**
   * While the first day of the month is today: the base without the old month's last day, which later
   * samples (a node read later, a late scrape) may still add to; the base follows that day as booked.
   */
  pending?: number;
}

/** Bases of one scope, for one month. */
interface ScopeBases {
  month: number | undefined;
  readonly groups: Map<string, BaseEntry>;
}

/**
 * Rollover arithmetic: the bases of the month after `entries`' month, given each group's final energy of
 * that month (joules, from `finalOf`). A group with none in that month is dropped: it has none in the new
 * one yet, so the bases hold at most the groups with energy in this or the previous month.
 */
export function rollOver(entries: ReadonlyMap<string, { readonly base: number }>, finalOf: (key: string) => number): Map<string, number> {
  const next = new Map<string, number>();
  for (const [key, e] of entries) {
    const final = finalOf(key);
    if (final > 0) next.set(key, e.base + final);
  }
  return next;
}

/**
 * The counter bases of a restoring service, per scope. Started once with the published scrape read at
 * start-up; until then no base is known and the counters are not published. Every snapshot tells it the
 * month energy of its groups ({@link noteMonth}); the first snapshot of a later month rolls the bases over.
 */
export class CounterBases {
  #started = false;
  readonly #scopes: Record<Scope, ScopeBases> = { namespace: { month: undefined, groups: new Map() }, node: { month: undefined, groups: new Map() } };

  /** Whether the published scrape has been read (counters can be published). */
  get started(): boolean {
    return this.#started;
  }

  /** Takes the bases of `published.month`: counter − month to date of every group the scrape held. */
  start(published: PublishedCounters): void {
    for (const scope of ['namespace', 'node'] as const) {
      const bases = this.#scopes[scope];
      bases.month = published.month;
      bases.groups.clear();
    }
    for (const g of published.groups) {
      this.#scopes[g.scope].groups.set(groupKeyOf(g.labels), {
        labels: g.labels,
        // Whole µJ, as every month total is booked: the text format's rounding of the two values cancels.
        base: Math.round((g.counterJoules - g.monthToDateJoules) * 1e6) / 1e6,
        beforeToday: g.monthToDateJoules,
        todaySoFar: 0,
        today: undefined,
      });
    }
    this.#started = true;
  }

  /**
   * Moves the bases of `scope` to `at.month` when it is later than theirs. A group's final energy of the old
   * month is what the last snapshot of that month held before its day, plus that day: as booked since
   * (`previousDayOf`, when that day is the day before `at.today`, and again at every snapshot of the new
   * month's first day, so samples of the old month read late still count), else as last seen. Returns false when the
   * bases are of a later month than `at` (a watermark behind the month of the scrape read: no counters yet).
   */
  advance(scope: Scope, at: CounterMonth, previousDayOf: (key: string) => number): boolean {
    const bases = this.#scopes[scope];
    if (bases.month === undefined || bases.month === at.month) {
      bases.month = at.month;
      // The old month's last day is yesterday still: its energy booked since the rollover goes into the base.
      for (const [key, e] of bases.groups) {
        if (e.pending === undefined) continue;
        if (at.today === at.month) e.base = Math.max(e.base, e.pending + previousDayOf(key) / 1e6);
        else delete e.pending;
      }
      return true;
    }
    if (bases.month > at.month) return false;
    const entries = bases.groups;
    // Whether a group's last day seen is the day before the new month's first (its energy is previous_day now).
    const lastDayIsYesterday = (e: BaseEntry): boolean => e.today !== undefined && e.today === at.today - 1 && at.today === at.month;
    const rolled = rollOver(entries, (key) => {
      const e = entries.get(key)!;
      return e.beforeToday + (lastDayIsYesterday(e) ? previousDayOf(key) / 1e6 : e.todaySoFar);
    });
    const next = new Map<string, BaseEntry>();
    for (const [key, base] of rolled) {
      const e = entries.get(key)!;
      next.set(key, { labels: e.labels, base, beforeToday: 0, todaySoFar: 0, today: undefined, ...(lastDayIsYesterday(e) && { pending: e.base + e.beforeToday }) });
    }
    bases.groups.clear();
    for (const [key, e] of next) bases.groups.set(key, e);
    bases.month = at.month;
    return true;
  }

  /** The base of a group in the current month of `scope` (0 for a group new this month). */
  base(scope: Scope, key: string): number {
    return this.#scopes[scope].groups.get(key)?.base ?? 0;
  }

  /** Groups of `scope` with a base, as `[key, labels]` (published even before their first joule of the month). */
  carried(scope: Scope): [string, readonly string[]][] {
    return [...this.#scopes[scope].groups].map(([key, e]) => [key, e.labels]);
  }

  /** Records a group's month so far as the snapshot at `at` publishes it (call after {@link advance}). */
  noteMonth(scope: Scope, key: string, labels: readonly string[], at: CounterMonth, energy: MonthEnergy): void {
    const groups = this.#scopes[scope].groups;
    let e = groups.get(key);
    if (e === undefined) {
      if (energy.monthMicroJoules === 0) return;
      groups.set(key, (e = { labels, base: 0, beforeToday: 0, todaySoFar: 0, today: undefined }));
    }
    e.beforeToday = (energy.monthMicroJoules - energy.todayMicroJoules) / 1e6;
    e.todaySoFar = energy.todayMicroJoules / 1e6;
    e.today = at.today;
  }
}
