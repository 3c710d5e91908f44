/**
 * Many Kepler v0.10+ series as Prometheus stores them (Kepler's labels plus the kube-prometheus target
 * labels), written as OpenMetrics for `promtool tsdb create-blocks-from openmetrics`. Faster than the
 * simulator at 100k series: counters rise at a constant per-series power, no restarts, no churn.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { targetLabels } from '../src/sim/index.js';

/** Shape of the synthetic cluster. */
export interface SeriesSetOptions {
  /** Pod series (two per pod: zones package and dram); node series come on top (4 per node). */
  readonly podSeries: number;
  readonly nodes?: number;
  readonly namespaces?: number;
  /** Sample times: `end − (count − 1) × step … end`, unix seconds. */
  readonly end: number;
  readonly count: number;
  readonly stepSeconds?: number;
  /** `minimal`: only the labels the ledger reads (no target labels, pod name or state), for long histories. */
  readonly labels?: 'full' | 'minimal';
}

const ZONES = ['package', 'dram'] as const;

function hex(i: number, width: number): string {
  return i.toString(16).padStart(width, '0');
}

function labelText(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]}"`)
    .join(',');
}

/** The series of the set: metric name, label text (sorted, no braces), and watts. */
function* seriesOf(o: SeriesSetOptions): Generator<{ name: string; labels: string; watts: number }> {
  const nodes = o.nodes ?? 100;
  const namespaces = o.namespaces ?? 500;
  const pods = Math.ceil(o.podSeries / ZONES.length);
  let emitted = 0;
  for (let p = 0; p < pods && emitted < o.podSeries; p++) {
    const node = `worker-${p % nodes}`;
    for (const zone of ZONES) {
      if (emitted++ >= o.podSeries) break;
      const podId = `${hex(p, 8)}-0000-4000-8000-${hex(p * 7919, 12)}`;
      const namespace = `namespace-${p % namespaces}`;
      const labels: Record<string, string> =
        o.labels === 'minimal'
          ? { node_name: node, pod_id: podId, pod_namespace: namespace, zone }
          : {
              ...targetLabels(node),
              node_name: node,
              pod_id: podId,
              pod_name: `app-${hex(p, 6)}-7d9f8c6b5-x${hex(p % 4096, 3)}`,
              pod_namespace: namespace,
              state: 'running',
              zone,
            };
      yield { name: 'kepler_pod_cpu_joules_total', labels: labelText(labels), watts: zone === 'package' ? 1 + (p % 37) : 0.2 + (p % 7) / 10 };
    }
  }
  for (const family of ['kepler_node_cpu_active_joules_total', 'kepler_node_cpu_idle_joules_total']) {
    for (let n = 0; n < nodes; n++) {
      const node = `worker-${n}`;
      for (const zone of ZONES) {
        const target = o.labels === 'minimal' ? {} : targetLabels(node);
        const labels = { ...target, node_name: node, path: `/host/sys/class/powercap/intel-rapl:0${zone === 'dram' ? ':1' : ''}`, zone };
        yield { name: family, labels: labelText(labels), watts: 20 + n };
      }
    }
  }
}

/** Writes the set as OpenMetrics; returns the number of series and samples. */
export async function writeKeplerSeries(file: string, o: SeriesSetOptions): Promise<{ series: number; samples: number }> {
  const step = o.stepSeconds ?? 15;
  const out = createWriteStream(file);
  let chunk = '';
  let current = '';
  let series = 0;
  const flush = async (): Promise<void> => {
    if (!out.write(chunk)) await once(out, 'drain');
    chunk = '';
  };
  for (const s of seriesOf(o)) {
    if (s.name !== current) {
      current = s.name;
      const family = s.name.slice(0, -'_total'.length);
      chunk += `# HELP ${family} Energy in joules\n# TYPE ${family} counter\n`;
    }
    series++;
    const prefix = `${s.name}{${s.labels}} `;
    // Counters that started a while ago, with a per-series phase in the millisecond part.
    const offset = 1000 + (series % 997) * 13;
    const ms = series % 1000;
    for (let i = 0; i < o.count; i++) {
      const t = o.end - (o.count - 1 - i) * step;
      chunk += `${prefix}${(offset + s.watts * (t - o.end + o.count * step)).toFixed(3)} ${Math.floor(t) - 1}.${String(ms).padStart(3, '0')}\n`;
    }
    if (chunk.length > 1 << 20) await flush();
  }
  chunk += '# EOF\n';
  await flush();
  out.end();
  await once(out, 'finish');
  return { series, samples: series * o.count };
}
