import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/core/ledger/index.js';
import type { SeriesDescriptor, SeriesSamples } from '../../../src/core/types.js';
import { gauge, joulesOf, samples } from './helpers.js';

/** Hour-aligned origin. */
const O = 360_000;
const H = 3600;

function ledger(): Ledger {
  return new Ledger({ origin: O, windows: [{ label: '1h', seconds: H }] });
}

/** A gauge series of `d` scraped every 15 s in [from, to], except at the times in `missing`; 1 W (3000 mJ per 3 s). */
function scraped(d: SeriesDescriptor, from: number, to: number, missing: (t: number) => boolean = () => false, mJ = 3000): SeriesSamples {
  const pairs: [number, number][] = [];
  for (let t = from; t <= to; t += 15) if (!missing(t)) pairs.push([t, mJ]);
  return samples(d, pairs);
}

describe('a v0.3 gauge series that falls silent while its node is scraped (issue 13)', () => {
  it('books a sample after scrapes it missed over one scrape interval, not over its silence', () => {
    const l = ledger();
    // The pod is missing from the scrapes at O + 60 … O + 120; its node is scraped every 15 s throughout.
    const pod = scraped(gauge('pod'), O + 15, O + 300, (t) => t >= O + 60 && t <= O + 120);
    l.ingest([pod, scraped(gauge('steady'), O, O + 300)]);
    expect(joulesOf(l.totals('namespace'), 'ns-pod')).toBe(pod.timestamps.length * 15);
  });

  it('books a pod that ends and comes back under the same name hours later only from its node previous scrape', () => {
    const l = ledger();
    const name = gauge('db-0');
    const lives = samples(name, [[O + 15, 3000], [O + 30, 3000], [O + 3 * H, 6000], [O + 3 * H + 15, 6000]]);
    l.ingest([lives, scraped(gauge('steady'), O, O + 3 * H + 15)]);
    expect(joulesOf(l.totals('namespace'), 'ns-db-0')).toBe(15 + 15 + 2 * 15 + 2 * 15);
    expect(joulesOf(l.hourEnergy('namespace', O + H), 'ns-db-0')).toBe(0);
  });

  it('books the same however the silence and the return are split into batches', () => {
    const pod = samples(gauge('db-0'), [[O + 15, 3000], [O + 2 * H, 6000], [O + 2 * H + 15, 6000]]);
    const steady = scraped(gauge('steady'), O, O + 2 * H + 15);
    const whole = ledger();
    whole.ingest([pod, steady]);
    const cut = (s: SeriesSamples, from: number, to: number): SeriesSamples =>
      samples(s.descriptor, Array.from(s.timestamps, (t, i) => [t, s.values[i]!] as const).filter(([t]) => t > from && t <= to));
    const batched = ledger();
    // The node's last scrape before the pod's return is in the previous batch; the next one re-reads 5 min.
    for (const [from, to] of [[-Infinity, O + 2 * H - 1], [O + 2 * H - 301, O + 2 * H + 15]] as const) {
      batched.ingest([cut(pod, from, to), cut(steady, from, to)]);
    }
    expect(joulesOf(whole.totals('namespace'), 'ns-db-0')).toBe(15 + 2 * 15 + 2 * 15);
    expect(batched.hours('namespace', O, O + 3 * H)).toEqual(whole.hours('namespace', O, O + 3 * H));
  });

  it('still books a silence of the whole node at the returning power (a scrape gap: nothing better is known)', () => {
    const l = ledger();
    const gap = (t: number): boolean => t > O + 60 && t < O + 480;
    l.ingest([scraped(gauge('pod'), O, O + 600, gap), scraped(gauge('steady'), O, O + 600, gap)]);
    expect(joulesOf(l.totals('namespace'), 'ns-pod')).toBe(600);
  });

  it('does not take the scrapes of a node of the same name in another cluster for its node', () => {
    const l = ledger();
    const inCluster = (cluster: string, key: string): SeriesDescriptor =>
      gauge(key, 3, { group: [cluster, key], node: 'node-1', nodeKey: `${cluster}\u0001node-1` });
    // Cluster b's node-1 is scraped every 15 s at phase 7; cluster a's node-1 every 15 s at phase 0.
    const b = samples(inCluster('b', 'pod'), [[O + 7, 3000], [O + 22, 3000], [O + 37, 3000]]);
    l.ingest([b, scraped(inCluster('a', 'steady'), O, O + 60)]);
    expect(joulesOf(l.totals('namespace'), 'b', 'pod')).toBe(3 + 15 + 15);
  });
});
