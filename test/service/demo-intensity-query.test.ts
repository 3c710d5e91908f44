import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/index.js';
import { demo } from '../../src/demo/demo.js';
import { createLogger } from '../../src/log.js';
import { parseExposition } from '../e2e/support/exposition.js';
import { waitFor } from '../support/wait-for.js';

describe('the demo with carbon.intensity_query', () => {
  it('runs, warns once that the simulated cluster cannot evaluate the expression, and exposes energy without carbon', async () => {
    const query = 'avg(grid_intensity_carbon_average{region=~"FR|DE"})';
    const config = loadConfig({
      file: { name: 'demo.yaml', text: stringify({ listen: '127.0.0.1:0', backfill: '2h', carbon: { intensity_query: query, pue: 1.2 } }) },
    });
    const log: string[] = [];
    const stderr: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void log.push(line) } });
    const controller = new AbortController();
    const running = demo({
      config,
      logger,
      io: { stdout: () => undefined, stderr: (t) => void stderr.push(t), env: {}, shutdownSignal: () => controller.signal },
      signal: controller.signal,
    });
    try {
      const url = await waitFor(() => /serving a simulated cluster on (\S+)\/metrics/.exec(stderr.join(''))?.[1] ?? false, 20_000, 50);
      const samples = await waitFor(async () => {
        const parsed = parseExposition(await (await fetch(`${url}/metrics`)).text());
        return parsed.some((s) => s.name === 'energy_ledger_namespace_energy_watt_hours' && s.value > 0) && parsed;
      }, 20_000, 100);
      expect(samples.filter((s) => s.name.includes('carbon_grams'))).toEqual([]);
      const warnings = log.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => String(l.msg).startsWith('carbon.intensity_query is not evaluated'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ level: 'warn', query });
    } finally {
      controller.abort();
      await running;
    }
  }, 60_000);
});
