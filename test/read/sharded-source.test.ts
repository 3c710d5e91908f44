import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/core/ledger/index.js';
import { DEFAULT_CLASSIFY_OPTIONS } from '../../src/core/schema/index.js';
import { shardOfNode } from '../../src/core/shard/node-hash.js';
import { KeplerReader } from '../../src/read/kepler-reader.js';
import { ShardedSource } from '../../src/read/sharded-source.js';
import type { RangeRequest, SampleSource } from '../../src/read/sample-source.js';
import { NODE_LABELS } from '../../src/core/schema/catalogue.js';
import { LateKepler, type LateNode } from '../support/late-kepler.js';
import { testPoller } from '../support/test-poller.js';

const ORIGIN = 1_800_000_000;
const NODES: LateNode[] = Array.from({ length: 24 }, (_, i) => ({ name: `worker-${i}`, offset: i % 15, visibleAt: (t: number) => t + 1 }));

/**
 * Label sets served by the index APIs: label values under `a="",b=""` matchers, and (when `withSeries`)
 * the series list under them; reads record their selector and return nothing.
 */
class IndexOnly implements SampleSource {
  reads: string[] = [];
  lookups: string[] = [];
  seriesLabels?: SampleSource['seriesLabels'];
  constructor(
    public sets: Record<string, string>[],
    withSeries: boolean,
  ) {
    if (withSeries) {
      this.seriesLabels = async (selector: string) => {
        this.lookups.push(`series ${selector}`);
        return this.sets.filter((labels) => this.admits(labels, selector)).map((labels) => ({ ...labels }));
      };
    }
  }
  async fetchRange(request: RangeRequest) {
    this.reads.push(request.selector);
    return [];
  }
  async presentMetricNames() {
    return new Set<string>();
  }
  async labelValues(label: string, selector: string): Promise<string[]> {
    this.lookups.push(`values ${label} ${selector}`);
    return [...new Set(this.sets.filter((labels) => this.admits(labels, selector)).map((labels) => labels[label] ?? ''))].filter((v) => v !== '');
  }
  /** The `<node label>=""` matchers of a selector (the only ones these lookups carry besides the metric names). */
  private admits(labels: Record<string, string>, selector: string): boolean {
    return NODE_LABELS.every((l) => !new RegExp(`[{,]${l}=""`).test(selector) || (labels[l] ?? '') === '');
  }
}

function poller(source: SampleSource, clock: { now: number }) {
  const ledger = new Ledger({ origin: ORIGIN, windows: [{ label: '1h', seconds: 3600 }] });
  const reader = new KeplerReader({ source, schema: 'v0.10+', classify: DEFAULT_CLASSIFY_OPTIONS });
  return { ledger, poll: testPoller({ reader, ledger, now: () => clock.now, intervalSeconds: 30, overlapSeconds: 300, adaptiveOverlap: true }) };
}

describe('ShardedSource', () => {
  it('reads only the nodes whose name hashes to the shard, and passes other reads through', async () => {
    const kepler = new LateKepler({ nodes: NODES, podsPerNode: 2, scrapeSeconds: 15, since: ORIGIN, now: () => ORIGIN + 600 });
    const shard = new ShardedSource(kepler, { index: 1, count: 3 });
    const series = await shard.fetchRange({ selector: 'kepler_pod_cpu_joules_total{zone=~"package|dram"}', start: ORIGIN, end: ORIGIN + 300 });
    const nodes = [...new Set(series.map((s) => s.labels.node_name))].sort();
    expect(nodes).toEqual(NODES.map((n) => n.name).filter((n) => shardOfNode(n, 3) === 1).sort());
    expect(nodes.length).toBeGreaterThan(0);
    expect(kepler.requests.at(-1)?.selector).toMatch(/^kepler_pod_cpu_joules_total\{zone=~"package\|dram",node_name=~"worker-/);
    // Build info is not sharded.
    await shard.fetchRange({ selector: 'kepler_build_info', start: ORIGIN, end: ORIGIN + 300 });
    expect(kepler.requests.at(-1)?.selector).toBe('kepler_build_info');
  });

  it('asks for the node list once per range however many queries read it', async () => {
    const kepler = new LateKepler({ nodes: NODES, podsPerNode: 1, scrapeSeconds: 15, since: ORIGIN, now: () => ORIGIN + 600 });
    const shard = new ShardedSource(kepler, { index: 0, count: 2 });
    const request = { selector: 'kepler_pod_cpu_joules_total', start: ORIGIN, end: ORIGIN + 60 };
    await Promise.all([shard.fetchRange(request), shard.fetchRange(request), shard.fetchRange(request)]);
    expect(kepler.labelRequests).toBe(4); // one per node label
  });

  it('4 shards polled over 2 hours give the per-namespace hours, node hours and samples of one unsharded poller', async () => {
    const clock = { now: ORIGIN + 600 };
    const kepler = new LateKepler({ nodes: NODES, podsPerNode: 5, scrapeSeconds: 15, since: ORIGIN - 3600, now: () => clock.now });
    const single = poller(kepler, clock);
    const shards = [0, 1, 2, 3].map((index) => poller(new ShardedSource(kepler, { index, count: 4 }), clock));
    for (; clock.now < ORIGIN + 2 * 3600 + 300; clock.now += 30) {
      for (const p of [single, ...shards]) expect(await p.poll.pollOnce()).toBe(true);
    }
    const hours = (l: Ledger) => l.hours('namespace', ORIGIN, ORIGIN + 2 * 3600);
    const expected = hours(single.ledger);
    expect(expected.length).toBeGreaterThan(0);
    const summed = new Map<string, number>();
    for (const s of shards) for (const row of hours(s.ledger)) {
      const key = `${row.labels.join('/')}@${row.hourStart}`;
      summed.set(key, (summed.get(key) ?? 0) + row.joules);
    }
    for (const row of expected) {
      const got = summed.get(`${row.labels.join('/')}@${row.hourStart}`) ?? 0;
      expect(Math.abs(got - row.joules)).toBeLessThanOrEqual(1e-9 * Math.abs(row.joules));
    }
    expect(summed.size).toBe(expected.length);
    // Each node is read by exactly one shard, so the samples add up too, and every shard has some.
    const samples = shards.map((s) => s.ledger.stats().samples);
    expect(samples.reduce((a, b) => a + b, 0)).toBe(single.ledger.stats().samples);
    for (const n of samples) expect(n).toBeGreaterThan(0);
  });

  it('finds the nodes with two lookups (first node label, series without it) and reads exactly what four label-value lookups give', async () => {
    const sets = [
      ...['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => ({ node_name: n, instance: `${n}:28282` })),
      ...['h', 'i', 'j'].map((n) => ({ node: n, instance: `${n}:9102` })),
      ...['k', 'l', 'm'].map((n) => ({ exported_instance: n, instance: `${n}:9102` })),
      ...['10.0.0.1:9102', '10.0.0.2:9102', '10.0.0.3:9102'].map((instance) => ({ instance })),
    ];
    const request = { selector: 'kepler_pod_cpu_joules_total', start: ORIGIN, end: ORIGIN + 60 };
    for (const count of [1, 2, 3, 4]) {
      for (let index = 0; index < count; index++) {
        const two = new IndexOnly(sets, true);
        const four = new IndexOnly(sets, false);
        await new ShardedSource(two, { index, count }).fetchRange(request);
        await new ShardedSource(four, { index, count }).fetchRange(request);
        expect(two.lookups).toHaveLength(2);
        expect(two.lookups[1]).toMatch(/^series \{__name__=~".*",node_name=""\}$/);
        expect(four.lookups).toHaveLength(4);
        expect(two.reads).toEqual(four.reads);
      }
    }
  });

  it('lists the nodes of series without the first node label with label values while they are many, and goes back when none are left', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ instance: `10.0.${i >> 8}.${i & 255}:9102` }));
    const source = new IndexOnly(many, true);
    const shard = new ShardedSource(source, { index: 0, count: 2 });
    const at = (end: number) => shard.fetchRange({ selector: 'kepler_pod_cpu_joules_total', start: end - 60, end });
    await at(ORIGIN + 60);
    // Too many for the series list (which may have been cut at its limit): label values for this range too.
    expect(source.lookups.map((l) => l.split(' ')[0])).toEqual(['values', 'series', 'values', 'values', 'values', 'values']);
    expect(source.reads).toHaveLength(1);
    expect(source.reads[0]).toMatch(/^kepler_pod_cpu_joules_total\{node_name="",node="",exported_instance="",instance=~"10/);
    source.lookups = [];
    await at(ORIGIN + 90);
    expect(source.lookups).toHaveLength(4); // label values per node label
    source.sets = [{ node_name: 'a' }];
    source.lookups = [];
    await at(ORIGIN + 120);
    expect(source.lookups).toHaveLength(4); // none left without node_name: the next lookup lists them again
    source.lookups = [];
    await at(ORIGIN + 150);
    expect(source.lookups.map((l) => l.split(' ')[0])).toEqual(['values', 'series']);
  });

  it('falls back to label values per node label when the series list fails', async () => {
    const sets: Record<string, string>[] = [{ node: 'h' }, { node_name: 'a' }];
    const source = new IndexOnly(sets, true);
    source.seriesLabels = () => Promise.reject(new Error('404 not found'));
    const shard = new ShardedSource(source, { index: 0, count: 1 });
    await shard.fetchRange({ selector: 'kepler_pod_cpu_joules_total', start: ORIGIN, end: ORIGIN + 60 });
    expect(source.lookups).toHaveLength(5); // node_name values, then all four
    expect(source.reads).toEqual(['kepler_pod_cpu_joules_total{node_name=~"a"}', 'kepler_pod_cpu_joules_total{node_name="",node=~"h"}']);
  });
});
