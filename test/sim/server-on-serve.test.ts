import { afterEach, describe, expect, it } from 'vitest';
import { startSimulatorServer, type SimulatorServer } from '../../src/sim/index.js';
import { T0, handScenario, pod } from './hand-scenario.js';

let server: SimulatorServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('startSimulatorServer onServe', () => {
  it('reports the node and the scenario time of every successful answer, and nothing for a 503', async () => {
    const s = handScenario('v0.10+', [pod('b', 'batch', 'n1', 10, 100, [[10, 6, 0]])], {
      restarts: [{ node: 'n2', time: T0 + 200, downSeconds: 15 }],
    });
    let wall = 0;
    const served: [string, number][] = [];
    server = await startSimulatorServer(s, { clock: () => wall, onServe: (node, t) => void served.push([node, t]) });
    const get = async (node: string): Promise<number> => (await fetch(`${server!.url}/nodes/${node}/metrics`)).status;
    wall = 90.25;
    expect(await get('n1')).toBe(200);
    wall = 205;
    expect(await get('n2')).toBe(503);
    expect(await get('n1')).toBe(200);
    expect(served).toEqual([
      ['n1', T0 + 90.25],
      ['n1', T0 + 205],
    ]);
  });
});
