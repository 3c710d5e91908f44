/** `/metrics` gzip-compressed over a real HTTP connection, on the fast path and through Express alike. */
import { request, type IncomingHttpHeaders } from 'node:http';
import { crc32, gunzipSync, inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerSnapshot } from '../../src/core/types.js';
import { createMetricsRegistry, type MetricsRegistry } from '../../src/exposition/registry.js';
import { acceptsGzip } from '../../src/http/accept-encoding.js';
import { createApp, createExpressApp, listen, type AppDeps, type Listening } from '../../src/http/app.js';
import { ns, snapshotOf } from '../exposition/snapshots.js';

interface RawAnswer {
  readonly headers: IncomingHttpHeaders;
  /** The body as sent, not decoded. */
  readonly bytes: Buffer;
}

/** One request with node:http, which never decodes the body on its own. */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/metrics`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, bytes: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /metrics with Accept-Encoding: gzip', () => {
  let snapshot: LedgerSnapshot = snapshotOf(Array.from({ length: 200 }, (_, i) => ns(`namespace-${i}`, i + 1)));
  let registry: MetricsRegistry;
  const servers: Record<'fast' | 'express', Listening> = {} as never;

  beforeAll(async () => {
    registry = createMetricsRegistry({ snapshot: () => snapshot, version: '1.0.0', includeProcessMetrics: false });
    const deps: AppDeps = {
      metrics: () => registry.metricsChunks(),
      metricsGzip: () => registry.metricsGzipChunks(),
      isReady: () => true,
      snapshot: () => snapshot,
      hours: () => [],
      status: () => ({ version: '1.0.0' }),
    };
    servers.fast = await listen(createApp(deps), { host: '127.0.0.1', port: 0 });
    servers.express = await listen(createExpressApp(deps), { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s.close()));
  });

  it.each(['fast', 'express'] as const)('%s: answers gzip that decodes to exactly the plain body, several times smaller, varying on Accept-Encoding', async (which) => {
    const url = servers[which].url;
    const plain = await get(url);
    const zipped = await get(url, { 'accept-encoding': 'gzip' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(zipped.headers.vary).toBe('Accept-Encoding');
    expect(zipped.headers['content-type']).toBe(plain.headers['content-type']);
    expect(Number(zipped.headers['content-length'])).toBe(zipped.bytes.length);
    expect(gunzipSync(zipped.bytes).toString('utf8')).toBe(plain.bytes.toString('utf8'));
    // One gzip member (curl --compressed and browsers read only the first): header, one deflate stream, trailer.
    expect(inflateRawSync(zipped.bytes.subarray(10, -8)).equals(plain.bytes)).toBe(true);
    expect(zipped.bytes.readUInt32LE(zipped.bytes.length - 8)).toBe(crc32(plain.bytes) >>> 0);
    expect(zipped.bytes.readUInt32LE(zipped.bytes.length - 4)).toBe(plain.bytes.length);
    expect(plain.bytes.toString('utf8')).toContain('namespace="namespace-199"');
    expect(zipped.bytes.length * 4).toBeLessThan(plain.bytes.length);
  });

  it('sends the plain body to a scraper that refuses gzip, and only headers on HEAD', async () => {
    const refused = await get(servers.fast.url, { 'accept-encoding': 'gzip;q=0, identity' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    const head = await get(servers.fast.url, { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.headers['content-encoding']).toBe('gzip');
    expect(head.bytes.length).toBe(0);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
  });

  it('compresses the ledger part once per snapshot and reuses it, while the service part follows every change', async () => {
    const ledgerChunk = async () => (await registry.metricsGzipChunks())[1];
    const unzipped = async () => gunzipSync(Buffer.concat(await registry.metricsGzipChunks())).toString('utf8');
    const first = await ledgerChunk();
    expect(await ledgerChunk()).toBe(first);
    registry.service.pollSucceeded(12, 0.5);
    expect(await ledgerChunk()).toBe(first);
    expect(await unzipped()).toContain('energy_ledger_last_poll_success_timestamp_seconds 12');
    snapshot = snapshotOf([ns('shop', 1)]);
    expect(await ledgerChunk()).not.toBe(first);
    expect(await unzipped()).toContain('namespace="shop"');
    expect(await unzipped()).not.toContain('namespace="namespace-1"');
  });
});

describe('acceptsGzip', () => {
  it.each([
    [undefined, false],
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['deflate, GZIP;q=0.5', true],
    ['x-gzip', true],
    ['gzip;q=0', false],
    ['gzip; q=0.0, *', false],
    ['*', true],
    ['*;q=0', false],
    ['identity', false],
    ['br, deflate', false],
  ] as const)('%j → %s', (header, accepted) => {
    expect(acceptsGzip(header)).toBe(accepted);
  });
});
