import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/core/ledger/index.js';
import { descriptor, samples } from './helpers.js';

const O = 360_000;

describe('nodes of the same name in two clusters (SeriesDescriptor.nodeKey)', () => {
  it('are two nodes for the settled watermark: the one that lags holds it back', () => {
    const series = (cluster: string, until: number) =>
      samples(descriptor(`${cluster}-pod`, { group: [cluster, 'shop'], node: 'worker-1', nodeKey: `${cluster}\u0001worker-1` }), [
        [O + 10, 0],
        [O + until, 1],
      ]);
    const l = new Ledger({ origin: O, windows: [{ label: '1h', seconds: 3600 }] });
    l.ingest([series('a', 100), series('b', 70)]);
    expect(l.watermark).toBe(O + 70);
    // Without node keys both are one node, whose newest sample is the leading cluster's.
    const merged = new Ledger({ origin: O, windows: [{ label: '1h', seconds: 3600 }] });
    const plain = (cluster: string, until: number) => ({ ...series(cluster, until), descriptor: { ...series(cluster, until).descriptor, nodeKey: undefined } });
    merged.ingest([plain('a', 100), plain('b', 70)]);
    expect(merged.watermark).toBe(O + 100);
  });
});
