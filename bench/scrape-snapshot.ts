/** A ledger snapshot with `namespaces` namespaces on 100 nodes, two hours of 60 s samples (every window and period filled). */
import { buildSnapshot, Ledger } from '../src/core/ledger/index.js';
import type { LedgerSnapshot, SeriesDescriptor, SeriesSamples } from '../src/core/types.js';

const ORIGIN = 1_767_225_600;
const NODES = 100;

function descriptor(i: number, namespaces: number): SeriesDescriptor {
  const node = `worker-${i % NODES}`;
  const isNode = i >= namespaces;
  return {
    key: `bench\u0001${i}`,
    schema: 'v0.10+',
    scope: isNode ? 'node' : 'namespace',
    kind: 'counter',
    toJoules: 1,
    group: isNode ? [node] : [`namespace-${String(i).padStart(5, '0')}`],
    node,
    component: 'package',
  };
}

/** One counter series per namespace plus one per node, 1–40 W. */
export function scrapeSnapshot(namespaces: number): LedgerSnapshot {
  const ledger = new Ledger({
    origin: ORIGIN,
    windows: [{ label: '5m', seconds: 300 }, { label: '1h', seconds: 3600 }, { label: '24h', seconds: 86_400 }],
  });
  const samples = 2 * 60 + 5;
  const batch: SeriesSamples[] = [];
  for (let i = 0; i < namespaces + NODES; i++) {
    const timestamps = new Float64Array(samples);
    const values = new Float64Array(samples);
    const watts = 1 + (i % 40);
    for (let j = 0; j < samples; j++) {
      timestamps[j] = ORIGIN + 60 * j + 0.5;
      values[j] = 1000 + watts * 60 * j;
    }
    batch.push({ descriptor: descriptor(i, namespaces), timestamps, values });
  }
  ledger.ingest(batch);
  return buildSnapshot(ledger, { namespaceLabels: ['namespace'], nodeLabels: ['node'] });
}
