import { describe, expect, it } from 'vitest';
import { buildSnapshot, Ledger } from '../../../src/core/ledger/index.js';
import { NODE_SILENCE_SECONDS, SettledWatermark } from '../../../src/core/ledger/settled-watermark.js';
import { descriptor, joulesOf, samples } from './helpers.js';

const H = 3600;
const origin = 100 * H;
const windows = [{ label: '5m', seconds: 300 }];

/** One series on `node` in namespace `ns` drawing `watts`, scraped every 30 s starting at `phase`. */
function scraped(key: string, node: string, ns: string, watts: number, phase: number, until: number) {
  const pairs: [number, number][] = [];
  for (let t = origin - 60 + phase; t <= until; t += 30) pairs.push([t, (t - (origin - 60)) * watts]);
  return samples(descriptor(key, { node, group: [ns] }), pairs);
}

describe('settled watermark', () => {
  it('is the oldest newest sample among active nodes, and forgets a node silent for longer than the silence limit', () => {
    const w = new SettledWatermark();
    w.observe('a', 1000);
    w.observe('b', 990);
    expect(w.settle()).toBe(990);
    expect(w.highWatermark).toBe(1000);
    w.observe('a', 1000 + NODE_SILENCE_SECONDS + 1);
    expect(w.settle()).toBe(1000 + NODE_SILENCE_SECONDS + 1);
    w.observe('b', 995); // an older sample of a forgotten node does not hold the watermark back
    expect(w.settle()).toBe(1000 + NODE_SILENCE_SECONDS + 1);
  });

  it('ends windows where every node has reported, so a node scraped later in the interval is not cut off', () => {
    const ledger = new Ledger({ origin, windows });
    const end = origin + 2 * H + 25;
    // Node a is scraped 20 s into each interval, node b at 0 s: b's data ends up to 30 s before a's.
    ledger.ingest([scraped('a', 'node-a', 'ns-a', 10, 20, end), scraped('b', 'node-b', 'ns-b', 10, 0, end)]);
    const newestB = origin - 60 + Math.floor((end - (origin - 60)) / 30) * 30;
    expect(ledger.watermark).toBe(newestB);
    const win = ledger.window('namespace', 300);
    // Both namespaces draw 10 W and both have data over the whole window: both get 300 s × 10 W.
    expect(joulesOf(win, 'ns-b')).toBeCloseTo(3000, 6);
    expect(joulesOf(win, 'ns-a')).toBeCloseTo(3000, 6);
  });

  it('publishes previous_hour only when every active node has passed its end', () => {
    const ledger = new Ledger({ origin, windows });
    const hourEnd = origin + H;
    ledger.ingest([scraped('a', 'node-a', 'ns-a', 10, 20, hourEnd + 30), scraped('b', 'node-b', 'ns-b', 10, 0, hourEnd - 1)]);
    expect(ledger.watermark).toBeLessThan(hourEnd); // node a has passed the hour's end, node b has not
    const early = buildSnapshot(ledger, { namespaceLabels: ['namespace'], nodeLabels: ['node'] });
    expect(early.namespaces.every((g) => g.periods.previous_hour === undefined)).toBe(true);
    ledger.ingest([scraped('b', 'node-b', 'ns-b', 10, 0, hourEnd + 35)]);
    const settled = buildSnapshot(ledger, { namespaceLabels: ['namespace'], nodeLabels: ['node'] });
    for (const g of settled.namespaces) expect(g.periods.previous_hour).toBeCloseTo(10, 6); // 10 W for an hour
  });
});
