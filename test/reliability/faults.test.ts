import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBackend } from '../support/backend.js';
import { startFaultProxy, type Fault, type FaultProxy } from './fault-proxy.js';
import { keplerPods, prometheusWith } from './kepler-data.js';
import { sampleValue, startService, type ServiceUnderTest } from './service-harness.js';

// Data up to a minute ago (detection asks Prometheus about "now"); the service's clock starts 80 min earlier.
const DATA_END = Math.floor(Date.now() / 60_000) * 60 - 60;
// Data from well before the ledger's origin (at most 3 h 20 min before DATA_END), so every series has a baseline.
const DATA_START = DATA_END - 6 * 3600;
const START = DATA_END - 80 * 60;
const NAMESPACES = ['billing', 'checkout', 'search'];

const config = (url: string) =>
  [
    `prometheus: { url: "${url}", timeout: 1s, retries: 1, max_response_bytes: 65536, max_range: 30m }`,
    'backfill: 2h',
    'windows: [5m, 1h]',
    '',
  ].join('\n');

/** Every fault, the reason it must be counted under, and what the log line must say. */
const FAULTS: [Fault, string, RegExp][] = [
  ['too_slow', 'timeout', /no response within 1000 ms/],
  ['http_5xx', 'http_5xx', /HTTP 503: upstream connect error/],
  ['http_429', 'http_429', /HTTP 429 too_many_requests: rate limited/],
  ['truncated', 'bad_response', /HTTP 200: /],
  ['not_json', 'bad_response', /HTTP 200: /],
  ['status_error', 'query_error', /execution: expanding series: context deadline exceeded/],
  ['wrong_result_type', 'bad_response', /resultType scalar, want (vector|matrix)/],
  ['too_large', 'too_large', /exceeds the limit of 65536 bytes/],
];

describe('faults of the Prometheus API, through the running service', () => {
  let prometheus: RunningBackend;
  let proxy: FaultProxy;
  let faulty: ServiceUnderTest;
  let reference: ServiceUnderTest;

  beforeAll(async () => {
    prometheus = await prometheusWith(keplerPods(DATA_START, DATA_END, NAMESPACES));
    proxy = await startFaultProxy(prometheus.url);
    faulty = await startService({ yaml: config(proxy.url), now: START });
    reference = await startService({ yaml: config(prometheus.url), now: START });
  }, 60_000);

  afterAll(async () => {
    await faulty?.stop();
    await reference?.stop();
    await proxy?.close();
    await prometheus?.stop();
  });

  it('survives every fault with a counted reason and a log line, keeps the last good ledger, and catches up to the hours of an uninterrupted run', async () => {
    const before = await faulty.json('/api/v1/namespaces');
    const errorsBefore = await faulty.metrics();
    let clock = START;
    for (const [fault, reason, message] of FAULTS) {
      clock += 5 * 60;
      faulty.setNow(clock);
      reference.setNow(clock);
      expect(await reference.poller.pollOnce()).toBe(true);
      proxy.fault = fault;
      const logLines = faulty.logs().length;
      expect(await faulty.poller.pollOnce(), fault).toBe(false);
      const failures = faulty.logs().slice(logLines).filter((l) => l.msg === 'poll failed; keeping the last good ledger');
      expect(failures, fault).toHaveLength(1);
      expect(failures[0]!.reason, fault).toBe(reason);
      expect(String(failures[0]!.err), fault).toMatch(message);
      expect(failures[0]!.level).toBe('warn');
      // Nothing was read: the published ledger is the last good one.
      expect(await faulty.json('/api/v1/namespaces'), fault).toEqual(before);
      expect(sampleValue(await faulty.metrics(), 'energy_ledger_up'), fault).toBe(0);
    }

    const metrics = await faulty.metrics();
    for (const reason of new Set(FAULTS.map(([, r]) => r))) {
      const series = `energy_ledger_poll_errors_total{reason="${reason}"}`;
      const expected = FAULTS.filter(([, r]) => r === reason).length;
      expect(sampleValue(metrics, series)! - (sampleValue(errorsBefore, series) ?? 0), reason).toBe(expected);
    }
    expect((await fetch(`${faulty.url}/healthz`)).status).toBe(200);

    // A fault in the middle of the next catch-up (after detection and a few chunks): those chunks stay.
    clock += 20 * 60;
    faulty.setNow(clock);
    reference.setNow(clock);
    expect(await reference.poller.pollOnce()).toBe(true);
    proxy.fault = 'http_5xx';
    proxy.passNext = 4;
    expect(await faulty.poller.pollOnce()).toBe(false);
    expect(proxy.passNext).toBe(0);

    // Back to normal: one catch-up poll; the uninterrupted reference polls at the same instant.
    proxy.fault = 'none';
    clock = DATA_END;
    faulty.setNow(clock);
    reference.setNow(clock);
    expect(await faulty.poller.pollOnce()).toBe(true);
    expect(await reference.poller.pollOnce()).toBe(true);
    expect(sampleValue(await faulty.metrics(), 'energy_ledger_up')).toBe(1);

    const hours = await faulty.json('/api/v1/hours');
    expect(hours).toEqual(await reference.json('/api/v1/hours'));
    expect(await faulty.json('/api/v1/namespaces')).toEqual(await reference.json('/api/v1/namespaces'));
    // And the reference itself is right: each namespace's hours add up to its counters' increase.
    const rows = (hours as { hours: { labels: { namespace: string }; joules: number }[] }).hours;
    NAMESPACES.forEach((ns, i) => {
      const joules = rows.filter((r) => r.labels.namespace === ns).reduce((n, r) => n + r.joules, 0);
      expect(joules, ns).toBeGreaterThan(0);
      expect(joules / (DATA_END - Math.floor((START - 7200) / 3600) * 3600), ns).toBeCloseTo((10 + 3 * i) * (4 / 3), 1);
    });
  }, 90_000);

  it('waits as long as Retry-After asks before retrying a 429', async () => {
    faulty.setNow(DATA_END);
    proxy.fault = 'http_429';
    const t0 = performance.now();
    expect(await faulty.poller.pollOnce()).toBe(false);
    // One query, one retry after the 1 s the server asked for.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
    proxy.fault = 'none';
  });

  it('accepts a slow answer that stays within the timeout', async () => {
    proxy.fault = 'slow';
    proxy.slowMs = 300;
    faulty.setNow(DATA_END);
    expect(await faulty.poller.pollOnce()).toBe(true);
    proxy.fault = 'none';
  });
});
