/**
 * The pure accounting ledger: exact, reset-aware, batching-independent energy per group.
 *
 * Choices beyond the semantics in docs/accounting.md (see each file for the details):
 * - Energy is booked as integer microjoules with telescoping rounding (`book-interval.ts`); hours sum
 *   exactly to the accepted deltas. Totals are a separate two-limb integer accumulator, not evicted
 *   with the buckets, so they are monotonic and exact past 2^53 µJ; buckets and hours are exact up to 2^53 µJ
 *   (≈ 2.5 MWh) each.
 * - Rings are advanced by each group's own newest bucket and read only inside the range the
 *   watermark allows, so eviction never depends on the order of series or batches.
 * - A series silent for more than `seriesTtlSeconds` starts afresh at its next sample (first-seen
 *   rule), whether or not the TTL sweep already dropped it; samples more than the TTL behind the
 *   watermark at the start of a batch are skipped, so overlaps never resurrect dropped series.
 * - Every v0.3 gauge sample stands for the interval since its node's previous gauge scrape, never for
 *   its own series' silence (a pod missing from scrapes, or back under the same name); a new series'
 *   first sample after the origin too (one sample period if there is none, or if that is over the TTL
 *   ago). The ledger records the batch's gauge timestamps per node before accounting it (`node-scrapes.ts`).
 * - A malformed value with a new timestamp advances the series' cursor (it is not counted twice when
 *   re-read) but not the watermark; the next counter delta spans it (a gauge's next sample does not:
 *   the malformed one was a scrape of its node, and its interval is lost).
 * - `window()` interpolates linearly inside the one bucket holding the window start.
 * - A group with no tracked series and nothing in its buckets (silent for longer than the retention, and
 *   no energy in a published day period) is forgotten, so namespace churn cannot grow memory beyond
 *   what the published periods need; the rings of a group silent for an hour are kept as a sparse list
 *   of their non-zero buckets (`BucketRing.compact`, reads unchanged); if it comes back its total starts from 0
 *   (it was absent from the snapshot meanwhile, so exposition shows a new series, not a decrease).
 * - With `maxNamespaces`, new namespace groups beyond the cap book into one `__other__` group
 *   (admission by first sample time, see `cardinality.ts`), so memory is bounded by the cap.
 * - `hours()` is dense for active groups; the snapshot includes a group with energy in the longest
 *   window or a published hour (`publishedPeriods`), reporting its total as is.
 * - With a `calendar` (local day numbers from the adapter; the core has no time zones), each group also
 *   keeps integer-µJ day buckets (a ring of {@link DAY_SLOTS} days) for `current_day`, `previous_day` and
 *   `month_to_date` (`publishedDays`); days before `oldestPublishedDay` (the first of the month or
 *   yesterday) are not held. Groups with energy in a held day are not forgotten.
 */
export { Ledger, type GroupJoules, type IngestResult, type ScopeQuery } from './ledger.js';
export { type LedgerOptions, OVERFLOW_LABEL_VALUE, type ResolvedLedgerOptions, resolveLedgerOptions } from './options.js';
export { buildSnapshot, publishedDays, publishedPeriods, type SnapshotLabels } from './snapshot.js';
export { DAY_SLOTS, oldestPublishedDay, type LedgerCalendar } from './calendar.js';
export { type HourWeight, type WeightedEnergy, weightedEnergy } from './weighted.js';
export { bucketIndexOf, hourStartOf, HOUR_SECONDS } from './time.js';
export { RestoredHours, type RestoredGroup } from './restored-hours.js';
export { type RestoreInput, COUNTER_PERIOD, publishedSpans } from './restored-snapshot.js';
export { firstHourOfDay, periodSpans, restoreStart, type PeriodSpan } from './period-spans.js';
export { earliestSampleTime } from './earliest-sample.js';
export { FirstScrapeBaseline } from './first-scrape-baseline.js';
export { CounterBases, type CounterMonth, type MonthEnergy, NO_PUBLISHED_COUNTERS, type PublishedCounterGroup, type PublishedCounters, rollOver } from './counter-base.js';
