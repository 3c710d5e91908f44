/** The pure accounting ledger: exact, reset-aware, batching-independent energy per group. */
export { Ledger, type GroupJoules, type IngestResult } from './ledger.js';
export { type LedgerOptions, type ResolvedLedgerOptions, resolveLedgerOptions } from './options.js';
export { buildSnapshot, publishedPeriods, type SnapshotLabels } from './snapshot.js';
export { bucketIndexOf, hourStartOf, HOUR_SECONDS } from './time.js';
