import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import type { HourRow } from '../../src/core/types.js';
import { createMetricsRegistry } from '../../src/exposition/registry.js';
import { createApp, type AppDeps, type HoursQuery } from '../../src/http/app.js';
import { ns, snapshotOf } from '../exposition/snapshots.js';

const snapshot = snapshotOf([ns('shop', 7200, 2), ns('batch', 3600, 1)], { watermark: 1_700_000_000 });
const hourRows: HourRow[] = [
  { hourStart: 1_699_999_200, labels: ['shop'], joules: 7200 },
  { hourStart: 1_699_995_600, labels: ['batch'], joules: 1800 },
];

function deps(overrides: Partial<AppDeps> = {}): AppDeps {
  return {
    metrics: () => '# HELP a_total a\n# TYPE a_total counter\na_total 1\n',
    isReady: () => true,
    snapshot: () => snapshot,
    hours: () => hourRows,
    status: () => ({ version: '1.2.3', keplerSchemas: [{ schema: 'v0.10+', version: '0.10.2' }] }),
    ...overrides,
  };
}

describe('GET /metrics', () => {
  it('serves the exposition with the Prometheus 0.0.4 content type', async () => {
    const res = await request(createApp(deps())).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.text).toBe('# HELP a_total a\n# TYPE a_total counter\na_total 1\n');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('writes byte chunks in order with the right length', async () => {
    const reg = createMetricsRegistry({ snapshot: () => snapshot, version: '1', includeProcessMetrics: false });
    const res = await request(createApp(deps({ metrics: () => reg.metricsChunks() }))).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toBe(await reg.metrics());
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
    expect(res.text).toContain('energy_ledger_namespace_energy_joules_total{namespace="batch"} 3600\n');
  });

  it('answers HEAD with headers only', async () => {
    const res = await request(createApp(deps())).head('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.text).toBeUndefined();
  });

  it('turns a failing exposition into a 500 without leaking the error, and reports it', async () => {
    const onError = vi.fn();
    const app = createApp(deps({ metrics: () => Promise.reject(new Error('secret detail')), onError }));
    const res = await request(app).get('/metrics');
    expect(res.status).toBe(500);
    expect(res.text).toBe('internal error\n');
    expect(onError).toHaveBeenCalledOnce();
  });
});

describe('health and readiness', () => {
  it('says ok on /healthz', async () => {
    const res = await request(createApp(deps())).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.text).toBe('ok\n');
  });

  it('fails /healthz when the service reports itself unhealthy', async () => {
    const res = await request(createApp(deps({ isHealthy: () => false }))).get('/healthz');
    expect(res.status).toBe(503);
  });

  it('turns /readyz from 503 with a reason into 200 once ready', async () => {
    let ready = false;
    const app = createApp(deps({ isReady: () => ({ ready, reason: 'backfill 3/26 h' }) }));
    const before = await request(app).get('/readyz');
    expect(before.status).toBe(503);
    expect(before.text).toBe('not ready: backfill 3/26 h\n');
    ready = true;
    const after = await request(app).get('/readyz');
    expect(after.status).toBe(200);
    expect(after.text).toBe('ready\n');
  });

  it('accepts a plain boolean readiness', async () => {
    const res = await request(createApp(deps({ isReady: () => false }))).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.text).toMatch(/^not ready/);
  });
});

describe('GET /', () => {
  it('shows the version, links, the detected schema and the watermark', async () => {
    const res = await request(createApp(deps())).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('energy-ledger 1.2.3');
    expect(res.text).toContain('href="metrics"');
    expect(res.text).toContain('href="api/v1/namespaces"');
    expect(res.text).toContain('v0.10+ (Kepler 0.10.2)');
    expect(res.text).toContain('2023-11-14T22:13:20Z');
  });

  it('escapes HTML in what it shows', async () => {
    const res = await request(createApp(deps({ status: () => ({ version: '<script>x</script>' }) }))).get('/');
    expect(res.text).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(res.text).not.toContain('<script>');
    expect(res.text).toContain('not detected yet');
  });
});

describe('JSON API', () => {
  it('lists namespaces with windows, periods, total joules and the watermark', async () => {
    const res = await request(createApp(deps())).get('/api/v1/namespaces');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.watermark).toBe(1_700_000_000);
    expect(res.body.watermark_rfc3339).toBe('2023-11-14T22:13:20Z');
    expect(res.body.label_names).toEqual(['namespace']);
    expect(res.body.namespaces[0]).toEqual({
      labels: { namespace: 'shop' },
      total_joules: 7200,
      windows_wh: { '5m': 2 / 12, '1h': 2, '24h': 48 },
      periods_wh: { current_hour: 1, previous_hour: 2 },
    });
    expect(res.body.namespaces).toHaveLength(2);
  });

  it('follows a new snapshot and drops a namespace that left it', async () => {
    let current = snapshot;
    const app = createApp(deps({ snapshot: () => current }));
    expect((await request(app).get('/api/v1/namespaces')).body.namespaces).toHaveLength(2);
    current = snapshotOf([ns('shop', 9000)]);
    const res = await request(app).get('/api/v1/namespaces');
    expect(res.body.namespaces.map((n: { labels: { namespace: string } }) => n.labels.namespace)).toEqual(['shop']);
    expect(res.body.namespaces[0].total_joules).toBe(9000);
  });

  it('shows a null watermark before the first sample', async () => {
    const app = createApp(deps({ snapshot: () => snapshotOf([], { watermark: undefined }) }));
    const res = await request(app).get('/api/v1/namespaces');
    expect(res.body).toMatchObject({ watermark: null, watermark_rfc3339: null, namespaces: [] });
  });

  it('lists nodes', async () => {
    const res = await request(createApp(deps())).get('/api/v1/nodes');
    expect(res.body.nodes).toEqual([
      {
        labels: { node: 'worker-1' },
        total_joules: 36_000,
        windows_wh: { '5m': 0.25, '1h': 3, '24h': 10 },
        periods_wh: { current_hour: 1.5, previous_hour: 3 },
      },
    ]);
  });

  it('returns the status object as JSON', async () => {
    const res = await request(createApp(deps())).get('/api/v1/status');
    expect(res.body).toEqual({ version: '1.2.3', keplerSchemas: [{ schema: 'v0.10+', version: '0.10.2' }] });
  });

  it('returns hours with RFC 3339 bounds, joules and watt-hours', async () => {
    const res = await request(createApp(deps())).get('/api/v1/hours');
    expect(res.status).toBe(200);
    expect(res.body.hours[0]).toEqual({
      start: '2023-11-14T22:00:00Z',
      end: '2023-11-14T23:00:00Z',
      start_unix: 1_699_999_200,
      labels: { namespace: 'shop' },
      joules: 7200,
      watt_hours: 2,
    });
    expect(res.body.hours[1].watt_hours).toBe(0.5);
  });

  it('reads the watermark after the hours, so rows that waited for a publication come with that poll\'s watermark', async () => {
    let current = snapshot;
    const later = snapshotOf([ns('shop', 7200, 2)], { watermark: 1_700_003_600 });
    // As PublishedHours does mid-ingest: the rows resolve once the next snapshot is published.
    const hours = async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      current = later;
      return hourRows;
    };
    const res = await request(createApp(deps({ hours, snapshot: () => current }))).get('/api/v1/hours');
    expect(res.status).toBe(200);
    expect(res.body.watermark).toBe(1_700_003_600);
  });

  it.each([
    ['unix seconds', 'from=1699995600&to=1700000000', { from: 1_699_995_600, to: 1_700_000_000 }],
    ['RFC 3339 with Z', 'from=2023-11-14T21:00:00Z', { from: 1_699_995_600 }],
    ['RFC 3339 with an offset', 'to=2023-11-14T23:13:20%2B01:00', { to: 1_700_000_000 }],
    ['a namespace', 'namespace=shop', { namespace: 'shop' }],
  ])('passes %s to the hours query', async (_what, query, expected) => {
    const hours = vi.fn((_q: HoursQuery) => hourRows);
    const res = await request(createApp(deps({ hours }))).get(`/api/v1/hours?${query}`);
    expect(res.status).toBe(200);
    expect(hours).toHaveBeenCalledWith(expected);
  });

  it.each([
    ['a malformed from', 'from=yesterday', /invalid 'from'/],
    ['an impossible date', 'to=2023-02-30T00:00:00Z', /invalid 'to'/],
    ['from after to', 'from=1700000000&to=1699995600', /'from' must not be after 'to'/],
    ['a repeated parameter', 'from=1&from=2', /must be given once/],
    ['an unknown parameter', 'step=1h', /unknown query parameter 'step'/],
    ['an empty namespace', 'namespace=', /must not be empty/],
  ])('rejects %s with a JSON 400', async (_what, query, message) => {
    const hours = vi.fn(() => hourRows);
    const res = await request(createApp(deps({ hours }))).get(`/api/v1/hours?${query}`);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error).toMatch(message);
    expect(hours).not.toHaveBeenCalled();
  });
});

describe('request limits', () => {
  it.each(['post', 'put', 'delete', 'patch'] as const)('rejects %s with 405 and an Allow header', async (method) => {
    const res = await request(createApp(deps()))[method]('/metrics').send('x=1');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('rejects a query string longer than 2 KiB with 414', async () => {
    const app = createApp(deps());
    expect((await request(app).get(`/api/v1/hours?namespace=${'a'.repeat(2038)}`)).status).toBe(200);
    expect((await request(app).get(`/api/v1/hours?namespace=${'a'.repeat(2039)}`)).status).toBe(414);
  });

  it('answers unknown paths with 404, in JSON under /api', async () => {
    const app = createApp(deps());
    expect((await request(app).get('/nope')).status).toBe(404);
    const api = await request(app).get('/api/v1/nope');
    expect(api.status).toBe(404);
    expect(api.body.error).toMatch(/no such endpoint/);
  });
});
