/**
 * A running service, its backfill held mid-way by a source that stops answering after the first chunk:
 * `/metrics` already serves the partial window gauges but not the `…_energy_joules_total` counters, which
 * appear (as new series) once the backfill and the restore of the hours before it are complete.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hourStart } from '../../src/core/time.js';
import { generateScenario } from '../../src/sim/index.js';
import { SimulatedPrometheus } from '../../src/sim/simulated-prometheus.js';
import type { RangeRequest, SampleSource } from '../../src/read/sample-source.js';
import { sampleValue, startService, type ServiceUnderTest } from '../reliability/service-harness.js';
import { waitFor } from '../support/wait-for.js';

const NOW = 1_800_001_800;
const COUNTERS = ['energy_ledger_namespace_energy_joules_total', 'energy_ledger_node_energy_joules_total'];

/** Reads within `[gateFrom, gateTo)` wait until `open()`; others (schema detection reads up to now) are answered at once. */
class GatedSource implements SampleSource {
  held = 0;
  #open!: () => void;
  readonly #opened = new Promise<void>((resolve) => (this.#open = resolve));

  constructor(
    private readonly inner: SampleSource,
    private readonly gateFrom: number,
    private readonly gateTo: number,
  ) {}

  open(): void {
    this.#open();
  }

  async fetchRange(request: RangeRequest, signal?: AbortSignal) {
    if (request.start >= this.gateFrom && request.end < this.gateTo) {
      this.held += 1;
      await this.#opened;
    }
    return this.inner.fetchRange(request, signal);
  }

  presentMetricNames(names: readonly string[], signal?: AbortSignal) {
    return this.inner.presentMetricNames(names, signal);
  }
}

const counterLines = (text: string): string[] => text.split('\n').filter((l) => COUNTERS.some((name) => l.includes(name)));

describe('the joules counters during the start-up backfill of a running service', () => {
  const origin = hourStart(NOW) - 3 * 3600;
  let source: GatedSource;
  let service: ServiceUnderTest;

  beforeAll(async () => {
    const begin = origin - 3600;
    const scenario = generateScenario({ seed: 5, start: begin, durationSeconds: NOW - begin + 3600, nodes: 2, namespaces: 3, podsPerNamespace: 1, churn: 0 });
    // Chunks of 1 h from origin − 5 min: the first ends before origin + 1 h, the second starts there.
    source = new GatedSource(new SimulatedPrometheus(scenario, { now: () => NOW }), origin + 1800, NOW - 60);
    service = await startService({ yaml: 'backfill: 3h\nprometheus:\n  max_range: 1h\n', now: NOW, source, logLevel: 'info', waitReady: false });
  }, 60_000);
  afterAll(async () => {
    source?.open();
    await service?.stop();
  });

  it('serves the partial gauges without the counters mid-backfill, and both counter families once complete', async () => {
    // The first chunk is published and the second one is waiting on the gate.
    const during = await waitFor(async () => {
      if (source.held === 0 || service.poller.snapshot.watermark === undefined) return undefined;
      return service.metrics();
    }, 30_000, 50);
    expect(service.poller.ready).toBe(false);
    expect((await fetch(`${service.url}/readyz`)).status).toBe(503);
    expect(sampleValue(during, 'energy_ledger_backfill_complete')).toBe(0);
    expect(counterLines(during)).toEqual([]);
    expect(sampleValue(during, 'energy_ledger_node_energy_watt_hours{node="worker-1",window="24h"}')).toBeGreaterThan(0);
    // The counter is the month to date: unknown (null) until the restore of the hours before the backfill.
    const partial = (await service.json('/api/v1/nodes')) as { nodes: { labels: { node: string }; total_joules: number | null }[] };
    expect(partial.nodes.find((n) => n.labels.node === 'worker-1')!.total_joules).toBeNull();

    source.open();
    await waitFor(() => service.poller.ready && service.poller.restored, 30_000, 50);
    const after = await service.metrics();
    expect(sampleValue(after, 'energy_ledger_backfill_complete')).toBe(1);
    for (const name of COUNTERS) {
      expect(after, name).toContain(`# TYPE ${name} counter\n`);
      expect(after, name).toContain(`# HELP ${name} `);
    }
    // Nothing was published before (no base): the counter is the month to date in joules, restored hours included.
    const total = sampleValue(after, 'energy_ledger_node_energy_joules_total{node="worker-1"}')!;
    const month = sampleValue(after, 'energy_ledger_node_period_energy_watt_hours{node="worker-1",period="month_to_date"}')!;
    expect(total).toBeGreaterThan(0);
    expect(Math.abs(total - month * 3600) / total).toBeLessThan(1e-9);
    const namespaces = (await service.json('/api/v1/namespaces')) as { namespaces: { labels: { namespace: string }; total_joules: number }[] };
    expect(namespaces.namespaces.length).toBeGreaterThan(0);
    for (const g of namespaces.namespaces) {
      expect(sampleValue(after, `energy_ledger_namespace_energy_joules_total{namespace="${g.labels.namespace}"}`), g.labels.namespace).toBe(g.total_joules);
    }
  }, 60_000);
});
