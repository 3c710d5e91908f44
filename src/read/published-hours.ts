import { groupKeyOf } from '../core/schema/key-codec.js';
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
  /** Wall clock, unix seconds. Default `Date.now() / 1000`. */
  readonly now?: () => number;
}

/** How long after the last request the copy is still taken before every ingest, seconds. */
const KEEP_COPYING_SECONDS = 600;

const ceilHour = (t: number): number => -hourStart(-t);
const END_OF_TIME = ceilHour(2 ** 52);

/**
 * `/api/v1/hours` as of the published snapshot. Between ingests the live ledger is exactly what the
 * last snapshot published, so it is read directly. The poller ingests in steps with turns of the event
 * loop in between; a request then gets a copy of every held hour taken just before the change began:
 * the previous publication, complete. The copy (10 ms at 1k namespaces × 48 h, 0.12 s at 5k) is only
 * taken while hours have been asked for (API, status page) in the last {@link KEEP_COPYING_SECONDS},
 * so a service nobody asks pays nothing; a request that arrives during an ingest without a copy waits
 * for that ingest's publication instead.
 */
export class PublishedHours implements LedgerChangeHooks {
  private inChange = false;
  private lastAsked = -Infinity;
  private frozen: readonly HourRow[] | undefined;
  private waiting: (() => void)[] = [];

  private readonly now: () => number;

  constructor(private readonly options: PublishedHoursOptions) {
    this.now = options.now ?? (() => Date.now() / 1000);
  }

  changing(): void {
    if (this.inChange) return;
    if (this.now() - this.lastAsked <= KEEP_COPYING_SECONDS) this.frozen = this.options.read(0, END_OF_TIME);
    this.inChange = true;
  }

  published(): void {
    this.inChange = false;
    this.frozen = undefined;
    for (const resume of this.waiting.splice(0)) resume();
  }

  /** Rows of hours with `from <= hourStart < to` (whole hours; default: all held), optionally of one namespace. */
  async rows(query: HoursQuery): Promise<readonly HourRow[]> {
    this.lastAsked = this.now();
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
