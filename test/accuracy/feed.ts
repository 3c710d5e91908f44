import { Ledger } from '../../src/core/ledger/index.js';
import { DEFAULT_CLASSIFY_OPTIONS } from '../../src/core/schema/index.js';
import { KeplerReader } from '../../src/read/kepler-reader.js';
import type { SimulatedPrometheus } from '../../src/sim/index.js';

/** A read of samples in `(from, to]`, as one poll (or one backfill chunk) makes it. */
export type Read = readonly [from: number, to: number];

/** Reads of `(from, to]` in chunks of `chunkSeconds`, like the poller's backfill. */
export function chunkedReads(from: number, to: number, chunkSeconds: number): Read[] {
  const reads: Read[] = [];
  for (let a = from; a < to; a += chunkSeconds) reads.push([a, Math.min(to, a + chunkSeconds)]);
  return reads;
}

/** Reads of live polls every `intervalSeconds` up to `to`, each re-reading `overlapSeconds` before the last end. */
export function pollReads(from: number, to: number, intervalSeconds: number, overlapSeconds: number): Read[] {
  const reads: Read[] = [];
  for (let end = from + intervalSeconds; end <= to; end += intervalSeconds) reads.push([end - intervalSeconds - overlapSeconds, end]);
  return reads;
}

/**
 * A ledger with an hour-aligned origin fed with what a {@link KeplerReader} (default classify options,
 * schema fixed to the scenario's) reads from a {@link SimulatedPrometheus}, one ingest per read.
 */
export async function feedLedger(source: SimulatedPrometheus, origin: number, reads: readonly Read[]): Promise<Ledger> {
  const reader = new KeplerReader({ source, schema: source.scenario.schema, classify: DEFAULT_CLASSIFY_OPTIONS });
  const ledger = new Ledger({ origin, windows: [{ label: '1h', seconds: 3600 }] });
  for (const [from, to] of reads) ledger.ingest(await reader.read(from, to));
  return ledger;
}
