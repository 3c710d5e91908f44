import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusClient, type PrometheusClientOptions } from '../../src/prometheus/client.js';
import { PrometheusError } from '../../src/prometheus/errors.js';
import { matrixBody, sendJson, startFakeServer, type FakeHandler, type FakeServer } from '../support/fake-server.js';
import { generateCertificates, type TestCertificates } from '../support/tls-certs.js';

// Responses a real Prometheus cannot be made to produce, served by a tiny node:http server.

let dir: string;
const servers: FakeServer[] = [];
const clients: PrometheusClient[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'client-http-test-'));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function serve(handler: FakeHandler, tls?: Parameters<typeof startFakeServer>[1]): Promise<FakeServer> {
  const server = await startFakeServer(handler, tls);
  servers.push(server);
  return server;
}

function client(options: PrometheusClientOptions): PrometheusClient {
  const made = new PrometheusClient(options);
  clients.push(made);
  return made;
}

async function failure(promise: Promise<unknown>): Promise<PrometheusError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PrometheusError);
  return error as PrometheusError;
}

describe('retries', () => {
  it('honours Retry-After seconds on 429 (measured) and then succeeds', async () => {
    const server = await serve((_req, res, i) => (i === 0 ? sendJson(res, 429, 'slow down', { 'retry-after': '1' }) : sendJson(res, 200, matrixBody())));
    const started = Date.now();
    const result = await client({ url: server.url, random: () => 0 }).queryMatrix('m[1m]', 10);
    const elapsed = Date.now() - started;
    expect(result.series).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(3000);
  });

  it('honours a Retry-After HTTP date, capped at retryMaxDelayMs', async () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    const sleeps: number[] = [];
    const server = await serve((_req, res, i) => {
      if (i === 0) sendJson(res, 503, 'busy', { 'retry-after': 'Tue, 01 Jan 2030 00:00:07 GMT' });
      else if (i === 1) sendJson(res, 429, 'busy', { 'retry-after': '3600' });
      else sendJson(res, 200, matrixBody());
    });
    const c = client({ url: server.url, now: () => now, sleep: async (ms) => void sleeps.push(ms), retryMaxDelayMs: 20_000 });
    await c.queryMatrix('m[1m]', 10);
    expect(sleeps).toEqual([7000, 20_000]);
  });

  it('retries a 503 and returns the later success', async () => {
    const sleeps: number[] = [];
    const server = await serve((_req, res, i) =>
      i < 2 ? sendJson(res, 503, { status: 'error', errorType: 'unavailable', error: 'not ready' }) : sendJson(res, 200, matrixBody([[5, '2.5']])),
    );
    const c = client({ url: server.url, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, retryBaseDelayMs: 200 });
    const { series } = await c.queryMatrix('m[1m]', 10);
    expect(Array.from(series[0]?.values ?? [])).toEqual([2.5]);
    expect(sleeps).toEqual([100, 200]);
  });

  it('gives up with http_5xx after the configured retries', async () => {
    const server = await serve((_req, res) => sendJson(res, 502, '<html>bad gateway</html>'));
    const error = await failure(client({ url: server.url, retries: 2, sleep: async () => undefined }).query('up'));
    expect([error.reason, error.status]).toEqual(['http_5xx', 502]);
    expect(error.message).toMatch(/HTTP 502: <html>bad gateway<\/html> \(gave up after 3 attempts\)$/);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry 422 or other 4xx', async () => {
    for (const status of [422, 404, 401]) {
      const server = await serve((_req, res) => sendJson(res, status, { status: 'error', errorType: 'execution', error: 'too many samples' }));
      const error = await failure(client({ url: server.url, sleep: async () => undefined }).query('up'));
      expect([error.reason, error.status, error.errorType, error.error]).toEqual(['http_4xx', status, 'execution', 'too many samples']);
      expect(server.requests).toHaveLength(1);
    }
  });

  it('reports a 503 with errorType timeout as timeout', async () => {
    const server = await serve((_req, res) => sendJson(res, 503, { status: 'error', errorType: 'timeout', error: 'query timed out' }));
    const error = await failure(client({ url: server.url, retries: 0 }).query('up'));
    expect([error.reason, error.status, error.errorType]).toEqual(['timeout', 503, 'timeout']);
  });

  it('stops at once, without retrying, when the caller aborts', async () => {
    const server = await serve(() => undefined); // never answers
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutting down')), 100);
    const error = await client({ url: server.url, timeoutSeconds: 5 }).query('up', 1, controller.signal).catch((e: unknown) => e);
    expect(error).toEqual(new Error('shutting down'));
    expect(server.requests).toHaveLength(1);
  });
});

describe('malformed responses', () => {
  const cases: [string, FakeHandler, RegExp][] = [
    ['truncated JSON', (_r, res) => sendJson(res, 200, JSON.stringify(matrixBody()).slice(0, 40)), /body is not JSON/],
    ['a body that is not JSON', (_r, res) => sendJson(res, 200, '<html>login</html>'), /body is not JSON .*<html>login/],
    ['a JSON body of the wrong shape', (_r, res) => sendJson(res, 200, { status: 'success', data: { resultType: 'matrix', result: {} } }), /matrix result is not an array/],
    ['an unknown status', (_r, res) => sendJson(res, 200, { status: 'ok' }), /unknown status "ok"/],
    [
      'a sample value that is not a number',
      (_r, res) => sendJson(res, 200, matrixBody([[1, 'abc']])),
      /sample value "abc" is not a number/,
    ],
  ];
  it.each(cases)('rejects %s as bad_response without retrying', async (_name, handler, message) => {
    const server = await serve(handler);
    const error = await failure(client({ url: server.url, sleep: async () => undefined }).query('up'));
    expect(error.reason).toBe('bad_response');
    expect(error.message).toMatch(message);
    expect(server.requests).toHaveLength(1);
  });

  it('turns status:"error" in a 200 response into query_error with errorType and error', async () => {
    const server = await serve((_r, res) => sendJson(res, 200, { status: 'error', errorType: 'execution', error: 'boom' }));
    const error = await failure(client({ url: server.url }).query('up'));
    expect([error.reason, error.status, error.errorType, error.error]).toEqual(['query_error', 200, 'execution', 'boom']);
  });

  it('rejects a vector where a matrix is required', async () => {
    const server = await serve((_r, res) => sendJson(res, 200, { status: 'success', data: { resultType: 'vector', result: [] } }));
    const error = await failure(client({ url: server.url }).queryMatrix('up', 1));
    expect(error.reason).toBe('bad_response');
    expect(error.message).toMatch(/resultType vector, want matrix/);
  });

  it('returns warnings and passes them to onWarning instead of failing', async () => {
    const server = await serve((_r, res) => sendJson(res, 200, { ...(matrixBody() as object), warnings: ['partial data'] }));
    const seen: string[] = [];
    const result = await client({ url: server.url, onWarning: (w, expr) => seen.push(`${expr}: ${w}`) }).queryMatrix('m[1m]', 1);
    expect(result.warnings).toEqual(['partial data']);
    expect(seen).toEqual(['m[1m]: partial data']);
  });

  it('aborts a response larger than maxResponseBytes, declared or streamed, as too_large', async () => {
    const big = JSON.stringify(matrixBody(Array.from({ length: 5000 }, (_, i) => [i, String(i)] as [number, string])));
    const declared = await serve((_r, res) => sendJson(res, 200, big));
    const streamed = await serve((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no content-length
      res.write(big.slice(0, 30_000));
      res.end(big.slice(30_000));
    });
    for (const server of [declared, streamed]) {
      const error = await failure(client({ url: server.url, maxResponseBytes: 20_000 }).query('m'));
      expect(error.reason).toBe('too_large');
      expect(error.message).toMatch(/exceeds the limit of 20000 bytes/);
    }
    const ok = await client({ url: streamed.url, maxResponseBytes: big.length }).queryMatrix('m[1m]', 1);
    expect(ok.series[0]?.timestamps.length).toBe(5000);
  });
});

describe('gzip', () => {
  const gzipped = (body: unknown): FakeHandler => (req, res) => {
    expect(req.headers['accept-encoding']).toBe('gzip');
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(gzipSync(JSON.stringify(body)));
  };

  it('asks for gzip and decodes a gzipped response', async () => {
    const server = await serve(gzipped(matrixBody([[7, '3.25']])));
    const { series } = await client({ url: server.url }).queryMatrix('m[1m]', 10);
    expect(Array.from(series[0]?.values ?? [])).toEqual([3.25]);
  });

  it('counts the decompressed size against maxResponseBytes (a gzip bomb is too_large)', async () => {
    const huge = matrixBody(Array.from({ length: 200_000 }, () => [1, '0'] as [number, string]));
    const server = await serve(gzipped(huge));
    const compressed = gzipSync(JSON.stringify(huge)).length;
    expect(compressed).toBeLessThan(100_000);
    const error = await failure(client({ url: server.url, maxResponseBytes: 1_000_000 }).query('m'));
    expect(error.reason).toBe('too_large');
    expect(error.message).toMatch(/exceeds the limit of 1000000 bytes \(decompressed\)/);
  });

  it('rejects a corrupt gzip body as bad_response', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify(matrixBody())).subarray(0, 20));
    });
    const error = await failure(client({ url: server.url, retries: 0 }).query('m'));
    expect(error.reason).toBe('bad_response');
    expect(error.message).toMatch(/corrupt gzip body/);
  });

  it('does not ask for gzip when compression is off', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, matrixBody()));
    await client({ url: server.url, compression: false }).query('m');
    expect(server.requests[0]?.headers['accept-encoding'] ?? '').not.toContain('gzip');
  });
});

describe('requests', () => {
  it('POSTs a form with query, time, timeout and the Thanos parameters, under the path prefix, with extra headers', async () => {
    const server = await serve((_r, res) => sendJson(res, 200, matrixBody()));
    await client({ url: `${server.url}/prometheus/`, timeoutSeconds: 12.5, headers: { 'X-Scope-OrgID': 'team-a' } }).query('m{a="b"}[5m]', 1700000000.1234);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/prometheus/api/v1/query');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers['x-scope-orgid']).toBe('team-a');
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      query: 'm{a="b"}[5m]',
      time: '1700000000.123',
      timeout: '12500ms',
      partial_response: 'false',
      max_source_resolution: '0',
    });
  });

  it('GETs build info under the path prefix and tolerates its absence', async () => {
    const present = await serve((_r, res) => sendJson(res, 200, { status: 'success', data: { version: '2.53.0', revision: 'abc' } }));
    expect(await client({ url: `${present.url}/prefix` }).buildInfo()).toEqual({ version: '2.53.0', revision: 'abc' });
    expect(present.requests[0]?.method).toBe('GET');
    expect(present.requests[0]?.url).toBe('/prefix/api/v1/status/buildinfo');
    const missing = await serve((_r, res) => sendJson(res, 404, '404 page not found'));
    expect(await client({ url: missing.url }).buildInfo()).toBeUndefined();
  });

  it('GETs the series list with match[], start, end and limit, and rejects anything but label sets', async () => {
    const server = await serve((_r, res) => sendJson(res, 200, { status: 'success', data: [{ __name__: 'm', instance: 'a:1' }] }));
    const c = client({ url: `${server.url}/prefix` });
    expect(await c.series(['{__name__=~"m|n",node_name=""}'], 100, 160.5, undefined, 1001)).toEqual([{ __name__: 'm', instance: 'a:1' }]);
    expect(server.requests[0]?.method).toBe('GET');
    const url = new URL(server.requests[0]?.url ?? '', 'http://x');
    expect(url.pathname).toBe('/prefix/api/v1/series');
    expect(Object.fromEntries(url.searchParams)).toEqual({ 'match[]': '{__name__=~"m|n",node_name=""}', start: '100.000', end: '160.500', limit: '1001' });
    const bad = await serve((_r, res) => sendJson(res, 200, { status: 'success', data: [{ instance: 1 }] }));
    expect((await failure(client({ url: bad.url }).series(['{a="b"}'], 0, 1))).reason).toBe('bad_response');
  });

  it('keeps at most maxConcurrency requests in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const server = await serve(async (_r, res) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 30));
      inFlight--;
      sendJson(res, 200, matrixBody());
    });
    const c = client({ url: server.url, maxConcurrency: 2 });
    await Promise.all(Array.from({ length: 8 }, () => c.query('m[1m]', 1)));
    expect(server.requests).toHaveLength(8);
    expect(peak).toBe(2);
  });

  it('sends a bearer token read from a file and picks up a rotated token', async () => {
    const server = await serve((_r, res) => sendJson(res, 200, matrixBody()));
    const tokenFile = path.join(dir, 'token');
    await writeFile(tokenFile, 'first-token\n');
    const c = client({ url: server.url, bearerTokenFile: tokenFile });
    await c.query('up');
    await writeFile(tokenFile, 'second-rotated-token\n');
    await c.query('up');
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer first-token', 'Bearer second-rotated-token']);
  });

  it('sends basic auth with the password from a file, or from the URL', async () => {
    const server = await serve((_r, res) => sendJson(res, 200, matrixBody()));
    const passwordFile = path.join(dir, 'password');
    await writeFile(passwordFile, 's3cret-pass\n');
    await client({ url: server.url, basicAuth: { username: 'ledger', passwordFile } }).query('up');
    const withUrl = client({ url: server.url.replace('http://', 'http://u%40x:p%3Aw@') });
    await withUrl.query('up');
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      `Basic ${Buffer.from('ledger:s3cret-pass').toString('base64')}`,
      `Basic ${Buffer.from('u@x:p:w').toString('base64')}`,
    ]);
    expect(withUrl.displayUrl).toBe(server.url);
  });

  it('rejects conflicting credentials at construction', () => {
    expect(() => new PrometheusClient({ url: 'http://x', bearerToken: 'a', bearerTokenFile: '/f' })).toThrow(/mutually exclusive/);
    expect(() => new PrometheusClient({ url: 'http://x', bearerToken: 'a', basicAuth: { username: 'u', password: 'p' } })).toThrow(
      /mutually exclusive/,
    );
  });
});

describe('credentials never appear in error messages', () => {
  const token = 'tok-VERY-secret-123';
  const password = 'pw-VERY-secret-456';
  // A hostile or careless proxy echoing the request headers into its error body.
  const echo: FakeHandler = (req, res, i) => sendJson(res, i % 2 === 0 ? 500 : 400, `echo: ${req.headers.authorization ?? ''}`);

  it.each([
    ['an inline bearer token', { bearerToken: token }],
    ['basic auth', { basicAuth: { username: 'ledger', password } }],
  ])('with %s, even when the server echoes the Authorization header', async (_name, auth) => {
    const server = await serve(echo);
    const error = await failure(client({ url: server.url, retries: 0, ...auth }).query('up'));
    const text = `${error.message} ${String(error.error)}`;
    expect(error.message).toMatch(/<redacted>/);
    for (const secret of [token, password, Buffer.from(`ledger:${password}`).toString('base64')]) expect(text).not.toContain(secret);
  });

  it('with a token file, and with credentials in the URL of an unreachable server', async () => {
    const tokenFile = path.join(dir, 'echo-token');
    await writeFile(tokenFile, token);
    const server = await serve(echo);
    const fromFile = await failure(client({ url: server.url, retries: 0, bearerTokenFile: tokenFile }).query('up'));
    expect(fromFile.message).not.toContain(token);
    expect(await readFile(tokenFile, 'utf8')).toBe(token);

    const gone = await failure(client({ url: `http://ledger:${password}@127.0.0.1:1/prefix`, retries: 0 }).query('up'));
    expect(gone.reason).toBe('unreachable');
    expect(gone.message).toContain('http://127.0.0.1:1/prefix/api/v1/query');
    expect(gone.message).not.toContain(password);
  });

  it('with a missing token file (the message names the file only)', async () => {
    const server = await serve((_r, res) => sendJson(res, 200, matrixBody()));
    const error = await failure(client({ url: server.url, retries: 0, bearerTokenFile: path.join(dir, 'nope') }).query('up'));
    expect(error.message).toMatch(/failed to read secret file .*nope: ENOENT/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('TLS', () => {
  let certs: TestCertificates;
  let tlsServer: () => Promise<FakeServer>;
  beforeAll(async () => {
    certs = await generateCertificates(dir);
    tlsServer = async () =>
      serve((_r, res) => sendJson(res, 200, matrixBody()), {
        cert: await readFile(certs.serverCertFile),
        key: await readFile(certs.serverKeyFile),
        ca: await readFile(certs.caFile),
        requestCert: true,
        rejectUnauthorized: false,
      });
  });

  it('verifies the server against the configured CA, also by serverName', async () => {
    const server = await tlsServer();
    await client({ url: server.url, tls: { caFile: certs.caFile } }).query('up');
    const byName = `https://localhost:${server.port}`; // not in the certificate
    await client({ url: byName, tls: { caFile: certs.caFile, serverName: 'prometheus.test' } }).query('up');
    expect(server.requests).toHaveLength(2);
  });

  it('fails as unreachable without the CA, and connects with insecureSkipVerify', async () => {
    const server = await tlsServer();
    const error = await failure(client({ url: server.url, retries: 0 }).query('up'));
    expect(error.reason).toBe('unreachable');
    expect(error.message).toMatch(/certificate/i);
    await client({ url: server.url, tls: { insecureSkipVerify: true } }).query('up');
    expect(server.requests).toHaveLength(1);
  });

  it('presents a client certificate for mutual TLS', async () => {
    const seen: boolean[] = [];
    const server = await serve(
      (_r, res) => sendJson(res, 200, matrixBody()),
      {
        cert: await readFile(certs.serverCertFile),
        key: await readFile(certs.serverKeyFile),
        ca: await readFile(certs.caFile),
        requestCert: true,
        rejectUnauthorized: true,
      },
    );
    const denied = await failure(client({ url: server.url, retries: 0, tls: { caFile: certs.caFile } }).query('up'));
    seen.push(denied.reason === 'unreachable');
    await client({ url: server.url, tls: { caFile: certs.caFile, certFile: certs.clientCertFile, keyFile: certs.clientKeyFile } }).query('up');
    expect(seen).toEqual([true]);
    expect(server.requests).toHaveLength(1);
  });
});
