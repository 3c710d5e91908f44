import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createApp, listen, ListenError } from '../../src/http/app.js';
import { snapshotOf } from '../exposition/snapshots.js';

const app = createApp({
  metrics: () => 'm 1\n',
  isReady: () => true,
  snapshot: () => snapshotOf([]),
  hours: () => [],
  status: () => ({ version: '1' }),
});

describe('listen', () => {
  it('serves the app on the port it bound and stops on close', async () => {
    const server = await listen(app, { host: '127.0.0.1', port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/healthz`);
    expect(await res.text()).toBe('ok\n');
    await server.close();
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('closes while a scraper keeps reusing one keep-alive connection, a request in flight at close', async () => {
    // A slow handler holds a request in flight when close() is called; the client then sends a request every
    // 50 ms on the same connection, as Prometheus scraping every second does, which kept the server open.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let first = true;
    const server = await listen(
      (req, res) => {
        if (first) {
          first = false;
          void held.then(() => res.end('held\n'));
          return;
        }
        res.end('ok\n');
      },
      { host: '127.0.0.1', port: 0 },
    );
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const req = request(`${server.url}/`, { agent }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve(body));
        });
        req.on('error', reject);
        req.end();
      });
    const inFlight = get();
    await new Promise((resolve) => setTimeout(resolve, 50));
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    release();
    expect(await inFlight).toBe('held\n');
    const started = performance.now();
    while (!closed && performance.now() - started < 8000) {
      await get().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    agent.destroy();
    expect(closed, 'close() still pending after 8 s of keep-alive requests').toBe(true);
    await closing;
  });

  it('fails with a ListenError when the port is taken', async () => {
    const first = await listen(app, { host: '127.0.0.1', port: 0 });
    const port = new URL(first.url).port;
    try {
      await expect(listen(app, { host: '127.0.0.1', port: Number(port) })).rejects.toThrow(ListenError);
    } finally {
      await first.close();
    }
  });
});
