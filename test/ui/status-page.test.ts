/**
 * The status page at `/` in a real browser: Debian's headless Chromium driven by playwright-core,
 * against the service running on the simulated cluster (as `energy-ledger demo` does). Saves the
 * screenshot docs/status-and-idle.md shows to `docs/status-page.png`.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hourStart } from '../../src/core/time.js';
import { generateScenario } from '../../src/sim/index.js';
import { SimulatedPrometheus } from '../../src/sim/simulated-prometheus.js';
import { startService, type ServiceUnderTest } from '../reliability/service-harness.js';
import { waitFor } from '../support/wait-for.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCREENSHOT = path.join(ROOT, 'docs/status-page.png');
/** A namespace name that is HTML if not escaped (label values are user data). */
const HOSTILE = `x<b id="injected">bold</b>&"'`;
const NAMESPACES = ['shop', 'payments', 'search', 'batch-jobs', 'ml-training', 'monitoring', 'auth', 'cdn-edge', HOSTILE];
/** Fixed clock: 30 min into an hour, so the current hour is partial. */
const NOW = 1_800_001_800;

interface ApiNamespaces {
  namespaces: { labels: { namespace: string }; windows_wh: Record<string, number> }[];
}

describe('status page in headless Chromium', () => {
  let service: ServiceUnderTest;
  let context: BrowserContext;
  let userDataDir: string;
  let page: Page;
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`failed to find ${CHROMIUM}: the status page test needs Debian's Chromium (apt-get install -y chromium)`);
    }
    const start = hourStart(NOW) - 26 * 3600;
    const scenario = generateScenario({ seed: 8, start, durationSeconds: NOW - start + 3600, nodes: 3, namespaces: NAMESPACES, podsPerNamespace: 1, churn: 0 });
    const source = new SimulatedPrometheus(scenario, { now: () => NOW });
    service = await startService({ yaml: 'backfill: 25h\n', now: NOW, source, logLevel: 'info', waitReady: false });
    await waitFor(() => service.poller.ready, 90_000, 100);
    userDataDir = await mkdtemp(path.join(tmpdir(), 'energy-ledger-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1100, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    const response = await page.goto(`${service.url}/`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await service?.stop();
    if (userDataDir !== undefined) await rm(userDataDir, { recursive: true, force: true });
  });

  it('lists the top namespaces by power, highest first, as the 5m window times 12 from the JSON API', async () => {
    const api = (await service.json('/api/v1/namespaces')) as ApiNamespaces;
    const expected = api.namespaces
      .map((n) => ({ name: n.labels.namespace, watts: n.windows_wh['5m']! * 12 }))
      .sort((a, b) => b.watts - a.watts);
    const rows = await page.locator('#power tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({ name: tr.querySelector('.name')!.textContent!, watts: tr.querySelector('.num')!.textContent! })),
    );
    expect(rows.length).toBe(Math.min(10, expected.length));
    expect(rows.length).toBeGreaterThanOrEqual(NAMESPACES.length - 1);
    expect(rows.map((r) => r.name)).toEqual(expected.slice(0, rows.length).map((e) => e.name));
    for (const [i, row] of rows.entries()) {
      const shown = Number(row.watts.replace(/[ ,W]/g, ''));
      expect(Math.abs(shown - expected[i]!.watts)).toBeLessThanOrEqual(Math.max(0.01, expected[i]!.watts * 0.005));
    }
    expect(expected[0]!.watts).toBeGreaterThan(0);
  });

  it('draws 24 hourly bars per namespace chart, taller for hours with more energy', async () => {
    const charts = await page.locator('#hours svg.hours').evaluateAll((svgs) =>
      svgs.map((svg) => [...svg.querySelectorAll('rect.bar')].map((r) => ({ h: Number(r.getAttribute('height')), title: r.textContent! }))),
    );
    expect(charts.length).toBeGreaterThanOrEqual(NAMESPACES.length - 1);
    for (const bars of charts) {
      expect(bars).toHaveLength(24);
      const wh = bars.map((b) => Number(/: ([\d.,]+) Wh/.exec(b.title)![1]!.replace(/,/g, '')));
      // Heights are proportional to the hour's energy (titles are rounded to 3 significant digits).
      const tallest = Math.max(...bars.map((b) => b.h));
      const peak = Math.max(...wh);
      expect(tallest).toBeGreaterThan(0);
      bars.forEach((b, i) => expect(Math.abs(b.h / tallest - wh[i]! / peak)).toBeLessThan(0.01));
      expect(wh.filter((v) => v > 0).length).toBeGreaterThanOrEqual(20);
    }
    const hourly = (await service.json(`/api/v1/hours?namespace=shop&from=${hourStart(NOW) - 23 * 3600}`)) as { hours: { watt_hours: number }[] };
    const shop = await page.locator('#hours figure', { hasText: /^shop/ }).locator('rect.bar title').allTextContents();
    expect(shop).toHaveLength(24);
    const last = hourly.hours.at(-1)!.watt_hours;
    expect(Number(/: ([\d.,]+) Wh/.exec(shop[23]!)![1]!.replace(/,/g, ''))).toBeCloseTo(Number(last.toPrecision(3)), 6);
  });

  it('shows the health block: last poll, watermark lag and the detected Kepler schema', async () => {
    const health = page.locator('#health');
    await expect(health.isVisible()).resolves.toBe(true);
    expect(await page.locator('#schema').textContent()).toMatch(/^v0\.10\+ \(Kepler [^)]+\)$/);
    expect(await page.locator('#last-poll').textContent()).toBe(`${new Date(NOW * 1000).toISOString().replace('.000', '')} (0 s ago)`);
    const status = (await service.json('/api/v1/status')) as { watermark: number };
    expect(await page.locator('#lag').textContent()).toBe(`${Math.round(NOW - status.watermark)} s`);
  });

  it('shows node energy for every node', async () => {
    const nodes = await page.locator('#nodes tbody tr .name').allTextContents();
    expect(nodes).toEqual(['worker-1', 'worker-2', 'worker-3']);
  });

  it('escapes namespace names: a name full of markup is shown as text and injects nothing', async () => {
    expect(await page.locator('#injected').count()).toBe(0);
    expect(await page.locator('#power .name', { hasText: 'x<b id=' }).first().textContent()).toBe(HOSTILE);
  });

  it('loads nothing but the page from the service and logs no console errors', () => {
    const origin = new URL(service.url).origin;
    expect(requests.length).toBeGreaterThanOrEqual(1);
    expect(requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:'))).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('refreshes itself and saves the screenshot for docs/status-and-idle.md', async () => {
    expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toMatch(/^\d+$/);
    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    const png = await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(10_000);
  });
});
