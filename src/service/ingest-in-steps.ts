import { setImmediate } from 'node:timers/promises';
import type { IngestResult, Ledger } from '../core/ledger/index.js';
import type { SeriesSamples } from '../core/types.js';

/** `ledger.ingest` with a turn of the event loop every 2,048 series (no 0.1–0.3 s stall at 100k series). */
export async function ingestInSteps(ledger: Ledger, batch: readonly SeriesSamples[]): Promise<IngestResult> {
  const steps = ledger.ingestSteps(batch, 2048);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
    await setImmediate();
  }
}
