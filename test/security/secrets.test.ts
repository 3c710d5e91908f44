/**
 * Credentials come only from files or the environment and never show up in logs, error messages,
 * `/metrics` or any other endpoint. The service runs at debug level against a real Prometheus that
 * requires basic auth over TLS (checked against the test CA), and against a bearer-token gate in front
 * of it; a run with a wrong password provokes error messages. Everything they output is searched.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, fetch as undiciFetch, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, redactConfig, summarizeConfig } from '../../src/config/index.js';
import { generateCertificates, type TestCertificates } from '../support/tls-certs.js';
import { keplerPods } from '../reliability/kepler-data.js';
import { sampleValue, startService, type ServiceUnderTest } from '../reliability/service-harness.js';
import { PROMETHEUS_USER, startSecuredPrometheus, type SecuredPrometheus } from './secured-prometheus.js';

const DATA_END = Math.floor(Date.now() / 60_000) * 60 - 60;
const NOW = DATA_END - 10 * 60;

const GATE_TOKEN = 'G4te-Bearer-T0KEN-7f3a9c';
const ENV_TOKEN = 'Env-Bearer-T0KEN-51d2e8';
const WRONG_PASSWORD = 'Wr0ng-pa55w0rd-0b6e1d';
const WEB_TOKEN = 'W3b-Scrape-T0KEN-93c7aa';
const HEADER_SECRET = 'H3ader-S3CRET-c0ffee';
const b64 = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');
const SECRETS = [
  PROMETHEUS_USER.password,
  b64(PROMETHEUS_USER.username, PROMETHEUS_USER.password),
  GATE_TOKEN,
  ENV_TOKEN,
  WRONG_PASSWORD,
  b64(PROMETHEUS_USER.username, WRONG_PASSWORD),
  WEB_TOKEN,
  HEADER_SECRET,
];

/** Every secret found in `text`. */
const leaked = (text: string) => SECRETS.filter((s) => text.includes(s));

describe('credentials never leak', () => {
  let dir: string;
  let certs: TestCertificates;
  let prometheus: SecuredPrometheus;
  let gate: Server;
  let gateUrl: string;
  let agent: Agent;
  const services: ServiceUnderTest[] = [];
  const file = async (name: string, content: string) => {
    const p = path.join(dir, name);
    await writeFile(p, `${content}\n`);
    return p;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-secrets-'));
    certs = await generateCertificates(dir);
    prometheus = await startSecuredPrometheus(keplerPods(DATA_END - 3 * 3600, DATA_END, ['shop', 'search']), certs);
    agent = new Agent({ connect: { ca: await readFile(certs.caFile) } });
    // A gate that wants a bearer token and forwards to the secured Prometheus with its basic auth.
    gate = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.headers.authorization !== `Bearer ${GATE_TOKEN}` && req.headers.authorization !== `Bearer ${ENV_TOKEN}`) {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"status":"error","errorType":"unauthorized","error":"bad token"}');
          return;
        }
        request(`${prometheus.url}${req.url}`, {
          dispatcher: agent,
          method: req.method as 'GET' | 'POST',
          headers: { 'content-type': String(req.headers['content-type'] ?? ''), authorization: `Basic ${b64(PROMETHEUS_USER.username, PROMETHEUS_USER.password)}` },
          body: req.method === 'POST' ? Buffer.concat(chunks) : undefined,
        }).then(
          async (r) => res.writeHead(r.statusCode, { 'content-type': 'application/json' }).end(await r.body.text()),
          () => res.destroy(),
        );
      });
    });
    await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
    gateUrl = `http://127.0.0.1:${(gate.address() as { port: number }).port}`;
  }, 90_000);

  afterAll(async () => {
    for (const s of services) await s.stop();
    await new Promise((resolve) => gate?.close(resolve));
    await agent?.close();
    await prometheus?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Starts a service and collects everything it shows: endpoints (with the web token) and logs. */
  async function run(yaml: string, options: { env?: Record<string, string>; ready?: boolean; web?: boolean } = {}) {
    const webAgent = new Agent({ connect: { ca: await readFile(certs.caFile) } });
    const authed = (url: string) =>
      undiciFetch(url, { dispatcher: webAgent, headers: { authorization: `Bearer ${WEB_TOKEN}` } }) as unknown as Promise<Response>;
    const service = await startService({ yaml, now: NOW, env: options.env, waitReady: options.ready ?? true, fetch: options.web ? authed : undefined });
    services.push(service);
    const bodies = await Promise.all(['/metrics', '/', '/api/v1/status', '/api/v1/namespaces', '/api/v1/nodes', '/api/v1/hours'].map(async (p) => (await (options.web ? authed : fetch)(`${service.url}${p}`)).text()));
    return { service, output: () => [...bodies, service.logText()].join('\n'), metrics: bodies[0]! };
  }

  it('with basic auth from a password file to Prometheus over TLS (CA-verified), and a web token and TLS in front of /metrics', async () => {
    const yaml = [
      'prometheus:',
      `  url: ${prometheus.url}`,
      `  tls: { ca_file: ${certs.caFile} }`,
      `  basic_auth: { username: ${PROMETHEUS_USER.username}, password_file: ${await file('prom-password', PROMETHEUS_USER.password)} }`,
      `  headers: { X-Api-Key: ${HEADER_SECRET} }`,
      'web:',
      `  tls_server_config: { cert_file: ${certs.serverCertFile}, key_file: ${certs.serverKeyFile} }`,
      `  bearer_token_file: ${await file('web-token', WEB_TOKEN)}`,
      'log_level: debug',
      '',
    ].join('\n');
    const { service, output, metrics } = await run(yaml, { web: true });
    expect(service.url).toMatch(/^https:/);
    expect(sampleValue(metrics, 'energy_ledger_up')).toBe(1);
    expect(metrics).toContain('namespace="shop"');
    expect(leaked(output())).toEqual([]);
  });

  it('with a bearer token from a file, and from the environment', async () => {
    const fromFile = await run(`prometheus: { url: ${gateUrl}, bearer_token_file: ${await file('gate-token', GATE_TOKEN)} }\n`);
    expect(sampleValue(fromFile.metrics, 'energy_ledger_up')).toBe(1);
    const fromEnv = await run(`prometheus: { url: ${gateUrl} }\n`, { env: { ENERGY_LEDGER_PROMETHEUS_BEARER_TOKEN: ENV_TOKEN } });
    expect(sampleValue(fromEnv.metrics, 'energy_ledger_up')).toBe(1);
    expect(leaked(fromFile.output())).toEqual([]);
    expect(leaked(fromEnv.output())).toEqual([]);
  });

  it('when Prometheus refuses a wrong password (the error is logged and counted, the password is not)', async () => {
    const yaml = `prometheus: { url: ${prometheus.url}, retries: 0, tls: { ca_file: ${certs.caFile} }, basic_auth: { username: ledger, password_file: ${await file('wrong', WRONG_PASSWORD)} } }\n`;
    const { service, output } = await run(yaml, { ready: false });
    await service.poller.pollOnce();
    const failures = service.logs().filter((l) => l.msg === 'poll failed; keeping the last good ledger');
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]!.reason).toBe('http_4xx');
    expect(String(failures[0]!.err)).toMatch(/HTTP 401/);
    expect(sampleValue(await service.metrics(), 'energy_ledger_poll_errors_total{reason="http_4xx"}')).toBeGreaterThan(0);
    expect(leaked(output() + (await service.metrics()))).toEqual([]);
  });

  it('refuses Prometheus over TLS without the CA (unreachable, certificate named), and reaches it with the CA', async () => {
    const password = await file('prom-password-2', PROMETHEUS_USER.password);
    const { service } = await run(`prometheus: { url: ${prometheus.url}, retries: 0, basic_auth: { username: ledger, password_file: ${password} } }\n`, { ready: false });
    expect(await service.poller.pollOnce()).toBe(false);
    const failure = service.logs().find((l) => l.msg === 'poll failed; keeping the last good ledger');
    expect(failure?.reason).toBe('unreachable');
    expect(String(failure?.err)).toMatch(/certificate/i);
    // The client tests (test/prometheus/client-http.test.ts, "TLS") cover serverName, insecure_skip_verify and mutual TLS.
  });

  it('in the configuration summary, the redacted config and configuration errors', () => {
    const config = loadConfig({
      file: { text: `prometheus: { url: http://p:9090, bearer_token: ${GATE_TOKEN}, headers: { X-Api-Key: ${HEADER_SECRET} } }\n`, name: 'c.yaml' },
    });
    expect(leaked(summarizeConfig(config) + JSON.stringify(redactConfig(config)))).toEqual([]);
    const errors: string[] = [];
    for (const text of [
      `prometheus: { url: "http://ledger:${WRONG_PASSWORD}@p:9090" }\n`,
      `prometheus: { bearer_token: [${ENV_TOKEN}] }\n`,
      `prometheus: { basic_auth: { username: u, password: { x: ${WEB_TOKEN} } } }\n`,
      `prometheus: { headers: { X-Api-Key: [${HEADER_SECRET}] } }\n`,
    ]) {
      try {
        loadConfig({ file: { text, name: 'c.yaml' } });
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
    expect(errors).toHaveLength(4);
    expect(leaked(errors.join('\n'))).toEqual([]);
  });
});
