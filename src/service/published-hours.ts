import { groupKeyOf } from '../core/ledger/cardinality.js';
import { hourStart } from '../core/time.js';
import type { HourRow } from '../core/types.js';
import type { HoursQuery } from '../http/app.js';

/** What the poller tells about every change of the ledger. */
export interface LedgerChangeHooks {
  /** The ledger is about to change (an ingest starts). */
  changing(): void;
  /** The snapshot of the ledger as it is now has been published. */
  published(): void;
}

/** Options of {@link PublishedHours}. */
export interface PublishedHoursOptions {
  /** Namespace hour rows of the live ledger with `fromHourStart <= hourStart < toHourStart`, sorted by hour then labels. */
  readonly read: (fromHourStart: number, toHourStart: number) => HourRow[];
  /** The ledger's origin: the default start of a query. */
  readonly origin: number;
  /** Position of the `namespace` label in a row's labels (−1 when not grouped by namespace). */
  readonly namespaceIndex: number;
}

const ceilHour = (t: number): number => -hourStart(-t);
const END_OF_TIME = ceilHour(2 ** 52);

/**
 * `/api/v1/hours` as of the published snapshot. Between ingests the live ledger is exactly what the
 * last snapshot published, so it is read directly. The poller ingests in steps with turns of the event
 * loop in between; a request then gets a copy of every held hour taken just before the change began:
 * the previous publication, complete. The copy is only taken once hours have been asked for (API,
 * status page), so a service nobody asks pays nothing; the first request of all, if it arrives during
 * an ingest, waits for that publication instead.
 */
export class PublishedHours implements LedgerChangeHooks {
  private inChange = false;
  private asked = false;
  private frozen: readonly HourRow[] | undefined;
  private waiting: (() => void)[] = [];

  constructor(private readonly options: PublishedHoursOptions) {}

  changing(): void {
    if (this.inChange) return;
    if (this.asked) this.frozen = this.options.read(0, END_OF_TIME);
    this.inChange = true;
  }

  published(): void {
    this.inChange = false;
    this.frozen = undefined;
    for (const resume of this.waiting.splice(0)) resume();
  }

  /** Rows of hours with `from <= hourStart < to` (whole hours; default: all held), optionally of one namespace. */
  async rows(query: HoursQuery): Promise<readonly HourRow[]> {
    this.asked = true;
    // Rows are hours with from <= hourStart < to; the ledger takes hour-aligned bounds.
    const from = ceilHour(query.from ?? this.options.origin);
    const to = ceilHour(query.to ?? 2 ** 52);
    if (this.inChange && this.frozen === undefined) await new Promise<void>((resolve) => this.waiting.push(resolve));
    const rows = this.inChange && this.frozen !== undefined ? inRange(this.frozen, from, to) : this.options.read(from, to);
    const i = this.options.namespaceIndex;
    return query.namespace === undefined ? rows : rows.filter((r) => r.labels[i] === query.namespace);
  }
}

/** The rows of `[from, to)` of a full table, without groups that have no energy in that range (as a direct read). */
function inRange(all: readonly HourRow[], from: number, to: number): HourRow[] {
  const rows = all.filter((r) => r.hourStart >= from && r.hourStart < to);
  const active = new Set<string>();
  for (const r of rows) if (r.joules > 0) active.add(groupKeyOf(r.labels));
  return rows.filter((r) => active.has(groupKeyOf(r.labels)));
}
