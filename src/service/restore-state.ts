import { CounterBases, earliestSampleTime, NO_PUBLISHED_COUNTERS, type PublishedCounters, type RestoredHours, type RestoreInput } from '../core/ledger/index.js';
import type { SeriesSamples } from '../core/types.js';

/**
 * What the service has restored of the hours before its live ledger's origin, shared by the restore
 * (which completes it) and the poller (whose snapshots read it). `firstSampleTime` is the earliest
 * sample either read: a period counts from there when data starts inside it.
 */
export class RestoreState implements RestoreInput {
  #hours: RestoredHours | undefined;
  #perNode: RestoredHours | undefined;
  #first: number | undefined;
  /** The same restore as the split ledger of `unattributed` sees it: its hours per namespace group and node. */
  readonly perNode: RestoreInput = ((state) => ({
    get hours() {
      return state.#hours === undefined ? undefined : state.#perNode;
    },
    get firstSampleTime() {
      return state.#first;
    },
  }))(this);
  /** The counters' bases: started with the published scrape when the restore completes. */
  readonly counters = new CounterBases();
  /** Share of the restore read so far, 0–1 (1 once complete). */
  progress = 0;

  get hours(): RestoredHours | undefined {
    return this.#hours;
  }

  get firstSampleTime(): number | undefined {
    return this.#first;
  }

  /** Whether the hours before the origin are all read (periods that need them are published). */
  get complete(): boolean {
    return this.#hours !== undefined;
  }

  /** Takes note of the earliest sample of a batch read from Prometheus. */
  noteSamples(batch: Iterable<SeriesSamples>): void {
    const t = earliestSampleTime(batch);
    if (t !== undefined) this.noteTime(t);
  }

  /** Takes note of the earliest time some source holds energy from (the start of a restored hour). */
  noteTime(t: number): void {
    if (!(this.#first !== undefined && this.#first <= t)) this.#first = t;
  }

  /**
   * Publishes the restored hours, the counters' bases and, with `unattributed`, the split ledger's hours
   * (`perNode`): from now on snapshots include the periods and counters that need them.
   */
  finish(hours: RestoredHours, restored: { readonly counters?: PublishedCounters; readonly perNode?: RestoredHours } = {}): void {
    this.counters.start(restored.counters ?? NO_PUBLISHED_COUNTERS);
    this.#perNode = restored.perNode;
    this.#hours = hours;
    this.progress = 1;
  }
}
