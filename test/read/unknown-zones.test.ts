import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/core/ledger/index.js';
import { DEFAULT_CLASSIFY_OPTIONS } from '../../src/core/schema/index.js';
import type { RawSeries } from '../../src/core/types.js';
import { ServiceMetrics } from '../../src/exposition/service-metrics.js';
import { createLogger } from '../../src/log.js';
import { KeplerReader } from '../../src/read/kepler-reader.js';
import { Poller } from '../../src/service/poller.js';
import type { RangeRequest, SampleSource } from '../../src/read/sample-source.js';
import { Registry } from 'prom-client';

const O = 1_767_225_600;

/** An hwmon node's pod and node counters (zone cpu_power), one sample a minute, answered for any range. */
function source(): SampleSource {
  const points = Array.from({ length: 180 }, (_, i) => O - 3600 + 60 * i);
  const series = (name: string, labels: Record<string, string>): RawSeries => ({ labels: { __name__: name, node_name: 'arm-1', zone: 'cpu_power', ...labels }, timestamps: points, values: points.map((t) => t - O + 7200) });
  const all = [series('kepler_pod_cpu_joules_total', { pod_id: 'p', pod_name: 'edge-0', pod_namespace: 'edge', state: 'running' }), series('kepler_node_cpu_active_joules_total', { path: '/sys/class/hwmon/hwmon2' })];
  return {
    fetchRange: async (r: RangeRequest) => {
      const name = r.selector.replace(/\{.*$/, '');
      return all
        .filter((s) => s.labels['__name__'] === name)
        .map((s) => {
          const keep = (s.timestamps as number[]).flatMap((t, i) => (t > r.start && t <= r.end ? [i] : []));
          return { labels: s.labels, timestamps: keep.map((i) => (s.timestamps as number[])[i]!), values: keep.map((i) => (s.values as number[])[i]!) };
        });
    },
    presentMetricNames: async (names) => new Set(names),
  };
}

describe('unknown zones seen by a poll', () => {
  it('are counted in energy_ledger_series_ignored and logged once each, with the config line that maps them', async () => {
    const lines: string[] = [];
    const metrics = new ServiceMetrics('test');
    let now = O + 3600;
    const poller = new Poller({
      reader: new KeplerReader({ source: source(), schema: 'v0.10+', classify: DEFAULT_CLASSIFY_OPTIONS }),
      ledger: new Ledger({ origin: O, windows: [{ label: '1h', seconds: 3600 }] }),
      metrics,
      logger: createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) } }),
      labels: { namespaceLabels: ['namespace'], nodeLabels: ['node'] },
      now: () => now,
      intervalSeconds: 60,
      overlapSeconds: 60,
      lookbackSeconds: 300,
      chunkSeconds: 1800,
    });
    expect(await poller.pollOnce()).toBe(true);
    now += 60;
    expect(await poller.pollOnce()).toBe(true);
    const registry = new Registry();
    metrics.registerIn(registry);
    const text = await registry.metrics();
    expect(text).toContain('energy_ledger_series_ignored{reason="unknown_zone"} 2');
    expect(text).toContain('energy_ledger_series_ignored{reason="ignored_zone"} 0');
    expect(metrics.unknownZones).toEqual(['cpu_power']);
    const warned = lines.map((l) => JSON.parse(l) as { zone?: string; config?: string; msg: string }).filter((l) => l.zone !== undefined);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ zone: 'cpu_power', config: 'kepler.zones: {cpu_power: package}' });
    expect(poller.snapshot.namespaces).toEqual([]);
  });
});
