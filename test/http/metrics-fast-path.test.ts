/**
 * The `/metrics` fast path in front of the Express app: which requests take it, and that each answer
 * is the one the Express route gives (status, headers, bytes), with and without the auth guard.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, request as undiciRequest } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, createExpressApp, listen, type AppDeps, type HttpHandler, type Listening } from '../../src/http/app.js';
import { createAuthGuard } from '../../src/http/auth.js';
import { createMetricsFastPath } from '../../src/http/metrics-fast-path.js';
import { generateCertificates } from '../support/tls-certs.js';
import { snapshotOf } from '../exposition/snapshots.js';

const LEDGER_CHUNK = Buffer.from('# HELP a_total a\n# TYPE a_total counter\na_total{namespace="ü"} 1\n', 'utf8');
const DYNAMIC_CHUNK = Buffer.from('energy_ledger_up 1\n', 'utf8');
const EXPOSITION = Buffer.concat([LEDGER_CHUNK, DYNAMIC_CHUNK]).toString('utf8');
const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
/** What Prometheus 2.42 sends when it scrapes. */
const PROMETHEUS_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

function deps(overrides: Partial<AppDeps> = {}): AppDeps {
  return {
    metrics: () => [LEDGER_CHUNK, DYNAMIC_CHUNK],
    isReady: () => true,
    snapshot: () => snapshotOf([]),
    hours: () => [],
    status: () => ({ version: '1' }),
    ...overrides,
  };
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface RawRequest {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** One request on a fresh connection, written as given (methods, bodies, chunked encoding). */
function send(url: string, r: RawRequest = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = httpRequest({ agent: false, host: hostname, port, method: r.method ?? 'GET', path: r.path ?? '/metrics', headers: r.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    const chunked = r.headers?.['transfer-encoding'] !== undefined;
    if (r.body !== undefined && chunked) req.write(r.body);
    req.end(chunked ? undefined : r.body);
  });
}

/** Status, headers but `date`, and body: what must match between the two paths. */
function comparable(a: Answer): Answer {
  const { date: _date, ...headers } = a.headers;
  return { ...a, headers };
}

/** The fast path over the Express app, recording each request that reached Express, next to the Express app alone. */
async function servePair(d: AppDeps): Promise<{ fast: string; express: string; reached: string[]; close(): Promise<void> }> {
  const express = createExpressApp(d);
  const reached: string[] = [];
  const fallback: HttpHandler = (req, res) => {
    reached.push(`${req.method ?? ''} ${req.url ?? ''}`);
    express(req, res);
  };
  const servers: Listening[] = [await listen(createMetricsFastPath(d, fallback), { host: '127.0.0.1', port: 0 }), await listen(createExpressApp(d), { host: '127.0.0.1', port: 0 })];
  return { fast: servers[0]!.url, express: servers[1]!.url, reached, close: async () => void (await Promise.all(servers.map((s) => s.close()))) };
}

describe('the /metrics fast path', () => {
  let pair: Awaited<ReturnType<typeof servePair>>;
  const onError = vi.fn();
  let failing: Error | undefined;
  beforeAll(async () => {
    const metrics = () => {
      if (failing !== undefined) throw failing;
      return Promise.resolve([LEDGER_CHUNK, DYNAMIC_CHUNK]);
    };
    pair = await servePair(deps({ metrics, onError }));
  });
  afterAll(async () => pair?.close());

  it('answers GET and HEAD of /metrics, with or without a query string, without reaching Express', async () => {
    pair.reached.length = 0;
    const get = await send(pair.fast);
    expect(get.status).toBe(200);
    expect(get.body).toBe(EXPOSITION);
    expect(get.headers['content-type']).toBe(CONTENT_TYPE);
    expect(get.headers['cache-control']).toBe('no-store');
    expect(Number(get.headers['content-length'])).toBe(LEDGER_CHUNK.length + DYNAMIC_CHUNK.length);
    const head = await send(pair.fast, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect((await send(pair.fast, { path: '/metrics?debug=1' })).body).toBe(EXPOSITION);
    expect(pair.reached).toEqual([]);
  });

  it.each<[string, RawRequest]>([
    ['GET', {}],
    ['HEAD', { method: 'HEAD' }],
    ['GET with a query string', { path: '/metrics?x=1' }],
    ['a Prometheus scrape offering gzip and OpenMetrics', { headers: { 'accept-encoding': 'gzip', accept: PROMETHEUS_ACCEPT } }],
    ['GET with an explicit empty body', { headers: { 'content-length': '0' } }],
  ])('answers %s exactly as the Express route does', async (_name, r) => {
    const fast = comparable(await send(pair.fast, r));
    expect(fast.status).toBe(200);
    expect(fast).toEqual(comparable(await send(pair.express, r)));
  });

  it('sends text format 0.0.4 uncompressed even when gzip and OpenMetrics are offered (as the Express route does)', async () => {
    const res = await send(pair.fast, { headers: { 'accept-encoding': 'gzip', accept: PROMETHEUS_ACCEPT } });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['content-type']).toBe(CONTENT_TYPE);
    expect(res.body).toBe(EXPOSITION);
  });

  it.each<[string, RawRequest, number]>([
    ['a trailing slash', { path: '/metrics/' }, 200],
    ['another case', { path: '/METRICS' }, 200],
    ['another path', { path: '/healthz' }, 200],
    ['another path and a body', { path: '/healthz', headers: { 'content-length': '5' }, body: 'x=1&y' }, 413],
  ])('hands a request with %s to Express', async (_name, r, status) => {
    pair.reached.length = 0;
    const res = await send(pair.fast, r);
    expect(res.status).toBe(status);
    expect(pair.reached).toEqual([`${r.method ?? 'GET'} ${r.path ?? '/metrics'}`]);
    expect(comparable(res)).toEqual(comparable(await send(pair.express, r)));
  });

  it.each<[string, RawRequest, number]>([
    ['POST', { method: 'POST', headers: { 'content-length': '2' }, body: '{}' }, 405],
    ['a body with a content-length', { headers: { 'content-length': '5' }, body: 'x=1&y' }, 413],
    ['a chunked body', { headers: { 'transfer-encoding': 'chunked' }, body: 'hello' }, 413],
    ['a query string over 2 KiB', { path: `/metrics?q=${'a'.repeat(2047)}` }, 414],
  ])('refuses /metrics with %s on the fast path, with the answer Express gives (one admission for both)', async (_name, r, status) => {
    pair.reached.length = 0;
    const res = await send(pair.fast, r);
    expect(res.status).toBe(status);
    expect(pair.reached).toEqual([]);
    expect(comparable(res)).toEqual(comparable(await send(pair.express, r)));
  });

  it('keeps a query string of exactly 2 KiB on the fast path', async () => {
    pair.reached.length = 0;
    expect((await send(pair.fast, { path: `/metrics?q=${'a'.repeat(2046)}` })).status).toBe(200);
    expect(pair.reached).toEqual([]);
  });

  it('turns a render failure into a 500 without leaking the error, and reports it with the request', async () => {
    failing = new Error('secret detail');
    try {
      onError.mockClear();
      pair.reached.length = 0;
      const res = await send(pair.fast);
      expect(res.status).toBe(500);
      expect(res.body).toBe('internal error\n');
      expect(onError).toHaveBeenCalledOnce();
      const [err, req] = onError.mock.calls[0] as [unknown, IncomingMessage];
      expect(err).toBe(failing);
      expect(req.url).toBe('/metrics');
      expect(pair.reached).toEqual([]);
      expect(comparable(res)).toEqual(comparable(await send(pair.express)));
      expect(onError).toHaveBeenCalledTimes(2);
    } finally {
      failing = undefined;
    }
  });
});

describe('the /metrics fast path behind the auth guard', () => {
  let dir: string;
  let tokenFile: string;
  let pair: Awaited<ReturnType<typeof servePair>>;
  const onAuthError = vi.fn();
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-fast-path-'));
    tokenFile = path.join(dir, 'token');
    await writeFile(path.join(dir, 'password'), 'pw\n');
    await writeFile(tokenFile, 'tok\n');
    const auth = createAuthGuard({ basicAuth: { username: 'prom', passwordFile: path.join(dir, 'password') }, bearerTokenFile: tokenFile }, onAuthError);
    pair = await servePair(deps({ auth }));
  });
  afterAll(async () => {
    await pair?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each<[string, RawRequest]>([
    ['no credentials', {}],
    ['no credentials on HEAD', { method: 'HEAD' }],
    ['a wrong token', { headers: { authorization: 'Bearer nope' } }],
    ['a wrong password', { headers: { authorization: basic('prom', 'nope') } }],
  ])('refuses %s with 401 and the challenge, as Express does, without reaching it', async (_name, r) => {
    pair.reached.length = 0;
    const res = await send(pair.fast, r);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="energy-ledger", charset="UTF-8"');
    expect(res.body).toBe(r.method === 'HEAD' ? '' : 'unauthorized\n');
    expect(pair.reached).toEqual([]);
    expect(comparable(res)).toEqual(comparable(await send(pair.express, r)));
  });

  it('serves a scrape with the bearer token or the basic credentials on the fast path', async () => {
    pair.reached.length = 0;
    expect((await send(pair.fast, { headers: { authorization: 'Bearer tok' } })).body).toBe(EXPOSITION);
    expect((await send(pair.fast, { headers: { authorization: basic('prom', 'pw') } })).body).toBe(EXPOSITION);
    expect(pair.reached).toEqual([]);
  });

  it('still guards the paths Express serves, and leaves the probes open', async () => {
    expect((await send(pair.fast, { path: '/api/v1/status' })).status).toBe(401);
    expect((await send(pair.fast, { path: '/metrics/' })).status).toBe(401);
    expect((await send(pair.fast, { path: '/healthz' })).status).toBe(200);
  });

  it('fails closed with 500 and reports it when the token file cannot be read', async () => {
    await rm(tokenFile);
    try {
      onAuthError.mockClear();
      pair.reached.length = 0;
      const res = await send(pair.fast, { headers: { authorization: 'Bearer tok' } });
      expect(res.status).toBe(500);
      expect(res.body).toBe('internal error\n');
      expect(pair.reached).toEqual([]);
      expect(String(onAuthError.mock.calls[0]?.[0])).toContain(`failed to read secret file ${tokenFile}: ENOENT`);
      expect(comparable(res)).toEqual(comparable(await send(pair.express, { headers: { authorization: 'Bearer tok' } })));
    } finally {
      await writeFile(tokenFile, 'tok\n');
    }
  });
});

describe('the /metrics fast path with other setups', () => {
  it('sends /metrics through Express when the auth middleware cannot run outside it', async () => {
    const auth: AppDeps['auth'] = (_req, res) => void res.status(403).send('no\n');
    const pair = await servePair(deps({ auth }));
    try {
      const res = await send(pair.fast);
      expect(res.status).toBe(403);
      expect(pair.reached).toEqual(['GET /metrics']);
    } finally {
      await pair.close();
    }
  });

  it('serves the fast path over HTTPS', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-fast-path-tls-'));
    const certs = await generateCertificates(dir);
    const server = await listen(createApp(deps()), { host: '127.0.0.1', port: 0 }, { tls: { certFile: certs.serverCertFile, keyFile: certs.serverKeyFile } });
    const agent = new Agent({ connect: { ca: await readFile(certs.caFile) } });
    try {
      const res = await undiciRequest(`${server.url}/metrics`, { dispatcher: agent });
      expect(server.url).toMatch(/^https:/);
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe(EXPOSITION);
    } finally {
      await agent.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
