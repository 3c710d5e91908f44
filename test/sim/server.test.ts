import { afterEach, describe, expect, it } from 'vitest';
import { generateScenario, renderExposition, simulatedSamples, simulatorScrapeConfig, startSimulatorServer, type SimulatorServer } from '../../src/sim/index.js';
import type { RunningBackend } from '../support/backend.js';
import { startPrometheus } from '../support/prometheus-server.js';
import { waitFor } from '../support/wait-for.js';
import { T0, handScenario, pod } from './hand-scenario.js';

let server: SimulatorServer | undefined;
let prometheus: RunningBackend | undefined;
afterEach(async () => {
  await server?.close();
  await prometheus?.stop();
  server = undefined;
  prometheus = undefined;
});

describe('startSimulatorServer', () => {
  it('serves each node the exposition of the scenario time its clock maps to, and lists the nodes', async () => {
    const s = generateScenario({ schema: 'v0.4-v0.9', nodes: 2, namespaces: 3, seed: 8 });
    let wall = 5000;
    server = await startSimulatorServer(s, { clock: () => wall, speed: 10 });
    wall += 12; // 120 scenario seconds later
    const res = await fetch(`${server.url}/nodes/worker-2/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await res.text()).toBe(renderExposition(s, 'worker-2', s.start + 120));
    const index = await (await fetch(`${server.url}/`)).text();
    expect(index).toContain('/nodes/worker-1/metrics');
    expect(index).toContain('/nodes/worker-2/metrics');
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${server.url}/nodes/nope/metrics`)).status).toBe(404);
  });

  it('answers 503 while Kepler restarts and shows a terminated pod only until the next scrape', async () => {
    const s = handScenario('v0.10+', [pod('b', 'batch', 'n1', 10, 100, [[10, 6, 0]])], {
      restarts: [{ node: 'n2', time: T0 + 200, downSeconds: 15 }],
    });
    let wall = 0;
    server = await startSimulatorServer(s, { clock: () => wall });
    const get = async (node: string): Promise<Response> => fetch(`${server!.url}/nodes/${node}/metrics`);
    wall = 90;
    expect(await (await get('n1')).text()).toContain('state="running"');
    wall = 104;
    const first = await (await get('n1')).text();
    expect(first).toContain('pod_name="b",pod_namespace="batch",state="terminated",zone="package"} 540');
    wall = 106;
    expect(await (await get('n1')).text()).not.toContain('pod_name="b"');
    wall = 205;
    expect((await get('n2')).status).toBe(503);
    expect((await get('n1')).status).toBe(200);
    wall = 216;
    expect((await get('n2')).status).toBe(200);
  });

  it('is scraped by a real Prometheus into the series the backfill stores', async () => {
    const s = generateScenario({ schema: 'v0.4-v0.9', nodes: 2, namespaces: 2, seed: 8 });
    server = await startSimulatorServer(s, { clock: () => Date.now() / 1000 });
    prometheus = await startPrometheus({ scrapeConfigs: [simulatorScrapeConfig(server, '1s')] });
    const query = async (q: string): Promise<{ metric: Record<string, string> }[]> => {
      const body = (await (await fetch(`${prometheus!.url}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { data: { result: { metric: Record<string, string> }[] } };
      return body.data.result;
    };
    await waitFor(async () => (await query('kepler_node_package_joules_total')).length === 4, 20_000);
    const live = (await query('kepler_node_package_joules_total')).map((r) => JSON.stringify(Object.entries(r.metric).sort())).sort();
    const stored = simulatedSamples(s, 'kepler_node_package_joules_total', s.start, s.start + 60)
      .map((x) => JSON.stringify(Object.entries(x.labels).sort()))
      .sort();
    expect(live).toEqual(stored);
    expect((await query('up{job="kepler"} == 1')).length).toBe(2);
  });
});
