/**
 * Hourly energy per group for the clock hours before the live ledger's origin, restored after a start
 * (from raw Kepler samples, or from the service's own published history). One integer-µJ value per
 * group and hour, never per series: a month at 5k namespaces is 5k × 744 doubles (30 MB).
 */
import type { Ledger } from './ledger.js';
import type { HourRow, Scope } from '../types.js';
import { groupKeyOf } from '../schema/key-codec.js';
import { HOUR_SECONDS } from './time.js';

/** One group's restored hours. */
export interface RestoredGroup {
  readonly key: string;
  readonly labels: readonly string[];
  /** µJ of hour `firstHour + i` (hour index, see `time.ts`) at index `i`. */
  readonly microJoules: Float64Array;
}

/**
 * Restored hours `[fromHourStart, toHourStart)` per scope and group. Hours are indexed like the
 * ledger's (`(h·3600, (h+1)·3600]`). Written while restoring, read by the snapshot once complete.
 */
export class RestoredHours {
  /** Index of the first hour held. */
  readonly firstHour: number;
  /** Index one past the last hour held (the live ledger's origin hour). */
  readonly endHour: number;
  private readonly scopes: Record<Scope, Map<string, RestoredGroup>> = { namespace: new Map(), node: new Map() };
  private readonly sorted: Record<Scope, RestoredGroup[] | undefined> = { namespace: undefined, node: undefined };

  constructor(fromHourStart: number, toHourStart: number) {
    if (!Number.isInteger(fromHourStart / HOUR_SECONDS) || !Number.isInteger(toHourStart / HOUR_SECONDS) || toHourStart < fromHourStart) {
      throw new Error(`invalid restored hours: [${fromHourStart}, ${toHourStart}) must be hour-aligned and ordered`);
    }
    this.firstHour = fromHourStart / HOUR_SECONDS;
    this.endHour = toHourStart / HOUR_SECONDS;
  }

  /** The hours of `ledger` inside this table's range (both scopes), rounded to whole µJ as booked. */
  static fromLedger(ledger: Ledger, fromHourStart: number, toHourStart: number): RestoredHours {
    const table = new RestoredHours(fromHourStart, toHourStart);
    for (const scope of ['namespace', 'node'] as const) {
      for (const row of ledger.hours(scope, fromHourStart, toHourStart)) table.set(scope, row.labels, row.hourStart, Math.round(row.joules * 1e6));
    }
    return table;
  }

  /** Whether the hour starting at `hourStart` is in the table's range. */
  holds(hourStart: number): boolean {
    const h = hourStart / HOUR_SECONDS;
    return h >= this.firstHour && h < this.endHour;
  }

  /** Sets the energy of one group in the hour starting at `hourStart` (ignored outside the range or when 0 for a new group). */
  set(scope: Scope, labels: readonly string[], hourStart: number, microJoules: number): void {
    if (!this.holds(hourStart)) return;
    const key = groupKeyOf(labels);
    let group = this.scopes[scope].get(key);
    if (group === undefined) {
      if (microJoules === 0) return;
      group = { key, labels: Object.freeze([...labels]), microJoules: new Float64Array(this.endHour - this.firstHour) };
      this.scopes[scope].set(key, group);
      this.sorted[scope] = undefined;
    }
    group.microJoules[hourStart / HOUR_SECONDS - this.firstHour] = microJoules;
  }

  /** Energy of one group in the hour starting at `hourStart`, µJ (0 when not held). */
  hourMicroJoules(scope: Scope, key: string, hourStart: number): number {
    const g = this.scopes[scope].get(key);
    return g === undefined || !this.holds(hourStart) ? 0 : (g.microJoules[hourStart / HOUR_SECONDS - this.firstHour] as number);
  }

  /** The groups of a scope, sorted by key (the ledger's order). */
  groups(scope: Scope): readonly RestoredGroup[] {
    let list = this.sorted[scope];
    if (list === undefined) {
      list = [...this.scopes[scope].values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      this.sorted[scope] = list;
    }
    return list;
  }

  /** Rows of every hour held, sorted by hour then labels; a group has a row for every hour if it has energy in any (as `Ledger.hours`). */
  rows(scope: Scope): HourRow[] {
    const groups = this.groups(scope).filter((g) => g.microJoules.some((m) => m > 0));
    const rows: HourRow[] = [];
    for (let h = this.firstHour; h < this.endHour; h++) {
      for (const g of groups) rows.push({ hourStart: h * HOUR_SECONDS, labels: g.labels, joules: g.microJoules[h - this.firstHour]! / 1e6 });
    }
    return rows;
  }

  /** The group of `key`, if it has restored energy. */
  group(scope: Scope, key: string): RestoredGroup | undefined {
    return this.scopes[scope].get(key);
  }
}
