/**
 * `unattributed: explicit | proportional` through the running service on the simulator: the
 * namespaces plus `__unattributed__` add up to the nodes in every window and period of the JSON API,
 * in the hours, and on `/metrics`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hourStart } from '../../src/core/time.js';
import { generateScenario } from '../../src/sim/index.js';
import { SimulatedPrometheus } from '../../src/sim/simulated-prometheus.js';
import { sampleValue, startService, type ServiceUnderTest } from '../reliability/service-harness.js';
import { waitFor } from '../support/wait-for.js';

const NOW = 1_800_001_800;

interface Group {
  labels: Record<string, string>;
  total_joules: number | null;
  windows_wh: Record<string, number>;
  periods_wh: Record<string, number>;
}

async function start(mode: string): Promise<ServiceUnderTest> {
  const begin = hourStart(NOW) - 4 * 3600;
  const scenario = generateScenario({ seed: 11, start: begin, durationSeconds: NOW - begin + 3600, nodes: 2, namespaces: 4, podsPerNamespace: 1, churn: 0 });
  const service = await startService({ yaml: `backfill: 3h\nunattributed: ${mode}\n`, now: NOW, source: new SimulatedPrometheus(scenario, { now: () => NOW }), logLevel: 'info', waitReady: false });
  await waitFor(() => service.poller.ready, 60_000, 50);
  return service;
}

const total = (groups: Group[], kind: 'windows_wh' | 'periods_wh', span: string) => groups.reduce((s, g) => s + (g[kind][span] ?? 0), 0);

describe.each(['off', 'explicit', 'proportional'])('unattributed: %s', (mode) => {
  let service: ServiceUnderTest;
  let namespaces: Group[];
  let nodes: Group[];

  beforeAll(async () => {
    service = await start(mode);
    namespaces = ((await service.json('/api/v1/namespaces')) as { namespaces: Group[] }).namespaces;
    nodes = ((await service.json('/api/v1/nodes')) as { nodes: Group[] }).nodes;
  }, 90_000);
  afterAll(async () => service?.stop());

  const unattributed = () => namespaces.find((g) => g.labels.namespace === '__unattributed__');

  it(mode === 'off' ? 'leaves the idle energy out: namespaces add up to less than the nodes' : 'adds namespaces and unattributed up to the nodes in every window and period', () => {
    expect(nodes).toHaveLength(2);
    const spans = [...Object.keys(nodes[0]!.windows_wh).map((s) => ['windows_wh', s] as const), ...Object.keys(nodes[0]!.periods_wh).map((s) => ['periods_wh', s] as const)];
    expect(spans.length).toBeGreaterThanOrEqual(5);
    for (const [kind, span] of spans) {
      const node = total(nodes, kind, span);
      const ns = total(namespaces, kind, span);
      expect(node, span).toBeGreaterThan(0);
      if (mode === 'off') expect(ns / node, span).toBeLessThan(0.95);
      else expect(Math.abs(ns - node) / node, span).toBeLessThan(1e-9);
    }
  });

  it('publishes __unattributed__ without a counter: the idle energy (explicit) or a node without namespaces (proportional)', async () => {
    const metrics = await service.metrics();
    if (mode === 'off') {
      expect(unattributed()).toBeUndefined();
      expect(metrics).not.toContain('__unattributed__');
      return;
    }
    const u = unattributed()!;
    expect(u.total_joules).toBeNull();
    expect(sampleValue(metrics, 'energy_ledger_namespace_energy_watt_hours{namespace="__unattributed__",window="1h"}')).toBeCloseTo(u.windows_wh['1h']!, 9);
    expect(metrics).not.toMatch(/energy_ledger_namespace_energy_joules_total\{namespace="__unattributed__"/);
    // The simulated cluster runs every namespace's pod on worker-1; worker-2 has no namespace energy.
    const idleNode = nodes.find((n) => n.labels.node === 'worker-2')!;
    for (const [span, wh] of Object.entries(idleNode.windows_wh)) {
      if (mode === 'proportional') expect(Math.abs(u.windows_wh[span]! - wh) / wh, span).toBeLessThan(1e-12);
      else expect(u.windows_wh[span]!, span).toBeGreaterThan(wh);
    }
  });

  it('keeps every namespace non-negative except the explicit remainder, and measured counters as they are', () => {
    for (const g of namespaces) {
      if (g.labels.namespace === '__unattributed__') continue;
      for (const v of Object.values(g.windows_wh)) expect(v).toBeGreaterThanOrEqual(0);
      expect(g.total_joules).toBeGreaterThan(0);
    }
    expect(namespaces.filter((g) => g.labels.namespace !== '__unattributed__').map((g) => g.labels.namespace)).toEqual(['kube-system', 'monitoring', 'payments', 'shop']);
  });

  it('allocates the hours the same way: the current hour of all namespaces equals the nodes current_hour', async () => {
    const rows = ((await service.json(`/api/v1/hours?from=${hourStart(NOW)}`)) as { hours: { watt_hours: number; labels: Record<string, string> }[] }).hours;
    const hourSum = rows.reduce((s, r) => s + r.watt_hours, 0);
    const node = total(nodes, 'periods_wh', 'current_hour');
    if (mode === 'off') expect(hourSum / node).toBeLessThan(0.95);
    else expect(Math.abs(hourSum - node) / node).toBeLessThan(1e-9);
    expect(rows.some((r) => r.labels.namespace === '__unattributed__')).toBe(mode !== 'off');
  });
});

describe('unattributed with carbon', () => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    const begin = hourStart(NOW) - 4 * 3600;
    const scenario = generateScenario({ seed: 11, start: begin, durationSeconds: NOW - begin + 3600, nodes: 2, namespaces: 4, podsPerNamespace: 1, churn: 0 });
    const yaml = 'backfill: 3h\nunattributed: explicit\ncarbon:\n  intensity_g_per_kwh: 400\n';
    service = await startService({ yaml, now: NOW, source: new SimulatedPrometheus(scenario, { now: () => NOW }), logLevel: 'info', waitReady: false });
    await waitFor(() => service.poller.ready, 60_000, 50);
  }, 90_000);
  afterAll(async () => service?.stop());

  it('gives __unattributed__ its carbon too, and namespaces plus unattributed carbon equal the nodes energy times the intensity', async () => {
    const metrics = await service.metrics();
    const nodes = ((await service.json('/api/v1/nodes')) as { nodes: Group[] }).nodes;
    const carbon = [...metrics.matchAll(/^energy_ledger_namespace_carbon_grams\{namespace="([^"]+)",window="1h"\} (\S+)$/gm)];
    const u = carbon.find((m) => m[1] === '__unattributed__');
    expect(u).toBeDefined();
    const uWh = sampleValue(metrics, 'energy_ledger_namespace_energy_watt_hours{namespace="__unattributed__",window="1h"}')!;
    expect(Math.abs(Number(u![2]) - uWh * 0.4) / (uWh * 0.4)).toBeLessThan(1e-9);
    const sumCarbon = carbon.reduce((s, m) => s + Number(m[2]), 0);
    const nodeGrams = total(nodes, 'windows_wh', '1h') * 0.4;
    expect(Math.abs(sumCarbon - nodeGrams) / nodeGrams).toBeLessThan(1e-9);
  });
});
