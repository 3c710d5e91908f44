import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait-for.js';
import { scrape } from './live-support.js';
import { ensureCliBuilt } from './support/cli.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// `npm run demo` builds first; so does this test, unless dist/ is already newer than every source file.
beforeAll(() => ensureCliBuilt(), 180_000);

describe('energy-ledger demo', () => {
  it('serves non-zero energy for at least 10 namespaces within 10 seconds of the spawn and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const spawnedAt = Date.now();
    const child = spawn(process.execPath, ['dist/cli.js', 'demo', '--listen', `127.0.0.1:${port}`], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString('utf8')));
    child.stdout.resume();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    try {
      const url = `http://127.0.0.1:${port}`;
      const namespaces = await waitFor(async () => {
        const gauges = (await scrape(url)).filter((s) => s.name === 'energy_ledger_namespace_energy_watt_hours');
        const nonZero = new Set(gauges.filter((s) => s.value > 0).map((s) => s.labels.namespace));
        return nonZero.size >= 10 && { nonZero, windows: new Set(gauges.map((s) => s.labels.window)) };
      }, 10_000, 100);
      const elapsed = Date.now() - spawnedAt;
      console.info(`demo: ${namespaces.nonZero.size} namespaces with energy ${elapsed} ms after the spawn`);
      expect(elapsed).toBeLessThan(10_000);
      expect([...namespaces.windows].sort()).toEqual(['1h', '24h', '5m']);
      expect(stderr).toContain(`serving a simulated cluster on ${url}/metrics`);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toEqual({ code: 0, signal: null });
  }, 30_000);
});
