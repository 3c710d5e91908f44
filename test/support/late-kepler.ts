import type { RawSeries } from '../../src/core/types.js';
import type { RangeRequest, SampleSource } from '../../src/read/sample-source.js';

/** One simulated node: when it is scraped within the interval and when its samples become readable. */
export interface LateNode {
  readonly name: string;
  /** Seconds after each whole interval when the node is scraped. */
  readonly offset: number;
  /** Unix time when the sample scraped at `t` becomes readable (non-decreasing in `t`: Prometheus appends in order). */
  readonly visibleAt: (t: number) => number;
}

/** Options of {@link LateKepler}. */
export interface LateKeplerOptions {
  readonly nodes: readonly LateNode[];
  readonly podsPerNode: number;
  readonly scrapeSeconds: number;
  /** First scrape time. */
  readonly since: number;
  /** Wall clock, unix seconds: only samples visible by then are returned. */
  readonly now: () => number;
}

/**
 * An in-memory Prometheus holding Kepler v0.10+ pod counters (`kepler_pod_cpu_joules_total`, zone
 * `package`) whose samples arrive late on purpose: each node's sample scraped at `t` is returned only
 * from `visibleAt(t)` on. Counts the samples it returns. Node names are hashed by shards, so each node
 * also answers only when a `node_name` matcher of the selector admits it.
 */
export class LateKepler implements SampleSource {
  samplesReturned = 0;
  requests: RangeRequest[] = [];
  labelRequests = 0;

  constructor(private readonly options: LateKeplerOptions) {}

  async fetchRange(request: RangeRequest): Promise<RawSeries[]> {
    this.requests.push(request);
    if (!request.selector.startsWith('kepler_pod_cpu_joules_total')) return [];
    const admits = nodeFilter(request.selector);
    const { nodes, podsPerNode, scrapeSeconds, since, now } = this.options;
    const out: RawSeries[] = [];
    for (const node of nodes) {
      if (!admits(node.name)) continue;
      const times: number[] = [];
      const first = since + node.offset;
      const k0 = Math.max(0, Math.floor((request.start - first) / scrapeSeconds));
      for (let t = first + k0 * scrapeSeconds; t <= request.end; t += scrapeSeconds) {
        if (t > request.start && node.visibleAt(t) <= now()) times.push(t);
      }
      if (times.length === 0) continue;
      for (let pod = 0; pod < podsPerNode; pod++) {
        const watts = 3 + pod + node.offset / 10;
        out.push({
          labels: { __name__: 'kepler_pod_cpu_joules_total', node_name: node.name, pod_id: `${node.name}-${pod}`, pod_name: `p${pod}`, pod_namespace: `ns-${pod % 3}`, zone: 'package' },
          timestamps: times,
          // Power drifts with time, so moving a sample across an hour boundary would change the hours.
          values: times.map((t) => watts * (t - since) + ((t - since) * (t - since)) / 7200),
        });
        this.samplesReturned += times.length;
      }
    }
    return out;
  }

  /** Node names by `node_name` (every series has it, so nodes named by a later label: none). */
  async labelValues(label: string, selector: string): Promise<string[]> {
    this.labelRequests++;
    if (label !== 'node_name' || selector.includes('node_name=""')) return [];
    return this.options.nodes.map((n) => n.name);
  }

  async presentMetricNames(names: readonly string[]): Promise<Set<string>> {
    return new Set(names.filter((n) => n === 'kepler_pod_cpu_joules_total' || n === 'kepler_build_info'));
  }
}

/** The node names a selector's `node_name=~"a|b"` or `node_name="a"` matcher admits (all when it has none). */
function nodeFilter(selector: string): (node: string) => boolean {
  const match = /node_name(=~|=)("(?:[^"\\]|\\.)*")/.exec(selector);
  if (match === null) return () => true;
  const value = JSON.parse(match[2] as string) as string;
  if (match[1] === '=') return (node) => node === value;
  const re = new RegExp(`^(?:${value})$`);
  return (node) => re.test(node);
}
