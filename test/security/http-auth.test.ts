/**
 * Protection of the HTTP endpoints, through `runService`: basic auth and bearer token from files,
 * HTTPS, open probes, bounded headers and query strings, and no request bodies.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawSeries } from '../../src/core/types.js';
import { safeEqual } from '../../src/http/auth.js';
import type { SampleSource } from '../../src/read/sample-source.js';
import { generateCertificates, type TestCertificates } from '../support/tls-certs.js';
import { startService, type ServiceUnderTest } from '../reliability/service-harness.js';

/** No Kepler at all: the service is ready at once with an empty ledger. */
const EMPTY: SampleSource = {
  fetchRange: async (): Promise<RawSeries[]> => [],
  presentMetricNames: async () => new Set<string>(),
};

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('authentication and TLS in front of the endpoints', () => {
  let dir: string;
  let certs: TestCertificates;
  let service: ServiceUnderTest;
  let agent: Agent;
  let passwordFile: string;
  let tokenFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-web-'));
    certs = await generateCertificates(dir);
    passwordFile = path.join(dir, 'password');
    tokenFile = path.join(dir, 'token');
    await writeFile(passwordFile, 'correct horse battery staple\n');
    await writeFile(tokenFile, 'scrape-token-1\n');
    const yaml = [
      'web:',
      `  tls_server_config: { cert_file: ${certs.serverCertFile}, key_file: ${certs.serverKeyFile} }`,
      `  basic_auth: { username: prometheus, password_file: ${passwordFile} }`,
      `  bearer_token_file: ${tokenFile}`,
      '',
    ].join('\n');
    agent = new Agent({ connect: { ca: await readFile(certs.caFile) } });
    service = await startService({ yaml, now: 1_800_000_000, source: EMPTY, waitReady: false });
  }, 30_000);

  afterAll(async () => {
    await service?.stop();
    await agent?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const get = async (p: string, authorization?: string) => {
    const response = await request(`${service.url}${p}`, { dispatcher: agent, headers: authorization === undefined ? {} : { authorization } });
    const body = await response.body.text();
    return { status: response.statusCode, headers: response.headers, body };
  };

  it('serves HTTPS with the configured certificate (verified against the CA)', async () => {
    expect(service.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await get('/healthz')).status).toBe(200);
  });

  it('asks for credentials on /metrics, / and the API, with a WWW-Authenticate challenge', async () => {
    for (const p of ['/metrics', '/', '/api/v1/status', '/api/v1/namespaces', '/nonexistent']) {
      const response = await get(p);
      expect(response.status, p).toBe(401);
      expect(response.headers['www-authenticate'], p).toBe('Basic realm="energy-ledger", charset="UTF-8"');
      expect(response.body, p).toBe('unauthorized\n');
    }
  });

  it('leaves /healthz and /readyz open for probes', async () => {
    expect((await get('/healthz')).status).toBe(200);
    expect([200, 503]).toContain((await get('/readyz')).status);
  });

  it('accepts the right basic-auth user and password, or the bearer token', async () => {
    expect((await get('/metrics', basic('prometheus', 'correct horse battery staple'))).status).toBe(200);
    expect((await get('/metrics', 'Bearer scrape-token-1')).status).toBe(200);
    expect((await get('/metrics', 'bearer scrape-token-1')).status).toBe(200);
  });

  it.each([
    ['a wrong password', basic('prometheus', 'wrong')],
    ['a wrong user', basic('grafana', 'correct horse battery staple')],
    ['a password that is a prefix of the right one', basic('prometheus', 'correct horse')],
    ['basic credentials without a colon', `Basic ${Buffer.from('prometheus').toString('base64')}`],
    ['a wrong token', 'Bearer scrape-token-2'],
    ['an empty token', 'Bearer '],
    ['an unknown scheme', 'Digest username="prometheus"'],
    ['a bare scheme', 'Basic'],
  ])('refuses %s', async (_name, authorization) => {
    expect((await get('/metrics', authorization)).status).toBe(401);
  });

  it('follows a rotated password and token without a restart', async () => {
    await writeFile(passwordFile, 'rotated password\n');
    await writeFile(tokenFile, 'scrape-token-rotated\n');
    expect((await get('/metrics', basic('prometheus', 'correct horse battery staple'))).status).toBe(401);
    expect((await get('/metrics', basic('prometheus', 'rotated password'))).status).toBe(200);
    expect((await get('/metrics', 'Bearer scrape-token-1')).status).toBe(401);
    expect((await get('/metrics', 'Bearer scrape-token-rotated')).status).toBe(200);
  });

  it('accepts nobody when a secret file is empty', async () => {
    await writeFile(tokenFile, '\n');
    expect((await get('/metrics', 'Bearer ')).status).toBe(401);
    expect((await get('/metrics', 'Bearer  ')).status).toBe(401);
    await writeFile(tokenFile, 'scrape-token-rotated\n');
  });

  it('fails closed with 500, and logs the file name only, when a secret file cannot be read', async () => {
    await rm(tokenFile);
    expect((await get('/metrics', 'Bearer scrape-token-rotated')).status).toBe(500);
    const logged = service.logs().filter((l) => l.msg === 'failed to check credentials');
    expect(logged.at(-1)?.err).toBe(`failed to read secret file ${tokenFile}: ENOENT`);
    await writeFile(tokenFile, 'scrape-token-rotated\n');
  });

  it('refuses plain HTTP on the HTTPS port', async () => {
    const port = new URL(service.url).port;
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});

describe('request limits of the running service', () => {
  let service: ServiceUnderTest;
  beforeAll(async () => {
    service = await startService({ yaml: '', now: 1_800_000_000, source: EMPTY, waitReady: false });
  });
  afterAll(async () => service?.stop());

  /** A raw request, so that methods, bodies and oversized heads reach the server as written. */
  const send = (options: { method?: string; path?: string; headers?: Record<string, string>; body?: string }) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(service.url);
      const req = httpRequest({ agent: false, host: url.hostname, port: url.port, method: options.method ?? 'GET', path: options.path ?? '/metrics', headers: options.headers }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      // With transfer-encoding set, write() sends the body in chunks and no content-length.
      if (options.body !== undefined && options.headers?.['transfer-encoding'] !== undefined) req.write(options.body);
      req.end(options.headers?.['transfer-encoding'] !== undefined ? undefined : options.body);
    });

  it('answers a request head over 8 KiB with 431', async () => {
    expect((await send({ headers: { 'x-padding': 'a'.repeat(10_000) } })).status).toBe(431);
    expect((await send({ headers: { 'x-padding': 'a'.repeat(4_000) } })).status).toBe(200);
  });

  it('answers a query string over 2 KiB with 414', async () => {
    expect((await send({ path: `/api/v1/hours?namespace=${'a'.repeat(3000)}` })).status).toBe(414);
  });

  it('accepts no request body on any endpoint', async () => {
    expect((await send({ method: 'GET', headers: { 'content-type': 'text/plain', 'content-length': '1000' }, body: 'x'.repeat(1000) })).status).toBe(413);
    expect((await send({ method: 'GET', path: '/api/v1/status', headers: { 'transfer-encoding': 'chunked' }, body: 'hello' })).status).toBe(413);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect((await send({ method, headers: { 'content-length': '2' }, body: '{}' })).status, method).toBe(405);
    }
    expect((await send({})).status).toBe(200);
  });
});

describe('safeEqual', () => {
  it('compares strings of any length', () => {
    expect(safeEqual('token', 'token')).toBe(true);
    expect(safeEqual('token', 'token2')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('ä', 'a')).toBe(false);
  });
});
