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
