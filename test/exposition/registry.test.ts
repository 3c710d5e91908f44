import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { LedgerSnapshot } from '../../src/core/types.js';
import { POLL_ERROR_REASONS } from '../../src/exposition/names.js';
import { createMetricsRegistry } from '../../src/exposition/registry.js';
import { ServiceMetrics } from '../../src/exposition/service-metrics.js';
import { readFamilies } from './parse-exposition.js';
import { ns, snapshotOf } from './snapshots.js';

function sampleLines(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

describe('createMetricsRegistry', () => {
  it('emits ledger, service and process families once each, each with one HELP and TYPE', async () => {
    const reg = createMetricsRegistry({ snapshot: () => snapshotOf([ns('shop', 1)]), version: '1.2.3' });
    const families = readFamilies(await reg.metrics());
    for (const f of families.values()) {
      expect(f.help, f.name).toHaveLength(1);
      expect(f.type, f.name).toHaveLength(1);
    }
    expect(families.has('energy_ledger_namespace_energy_joules_total')).toBe(true);
    expect(families.has('energy_ledger_poll_duration_seconds')).toBe(true);
    expect(families.has('process_cpu_seconds_total')).toBe(true);
    expect(families.has('nodejs_active_handles_total')).toBe(false);
    expect(reg.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('leaves out process metrics when asked to', async () => {
    const reg = createMetricsRegistry({ snapshot: () => snapshotOf([]), version: '1', includeProcessMetrics: false });
    const text = await reg.metrics();
    expect(text).not.toMatch(/^process_/m);
    expect(text).not.toMatch(/^nodejs_/m);
  });

  it('never registers anything in the global prom-client registry', async () => {
    createMetricsRegistry({ snapshot: () => snapshotOf([]), version: '1' });
    expect(await globalRegistry.metrics()).not.toContain('energy_ledger');
  });

  it('drops a namespace that vanished between two scrapes', async () => {
    let current = snapshotOf([ns('shop', 10), ns('batch', 20)]);
    const reg = createMetricsRegistry({ snapshot: () => current, version: '1', includeProcessMetrics: false });
    expect(sampleLines(await reg.metrics(), 'energy_ledger_namespace_energy_joules_total')).toEqual([
      'energy_ledger_namespace_energy_joules_total{namespace="shop"} 10',
      'energy_ledger_namespace_energy_joules_total{namespace="batch"} 20',
    ]);
    current = snapshotOf([ns('shop', 12)]);
    const text = await reg.metrics();
    expect(sampleLines(text, 'energy_ledger_namespace_energy_joules_total')).toEqual([
      'energy_ledger_namespace_energy_joules_total{namespace="shop"} 12',
    ]);
    expect(text).not.toContain('batch');
  });

  it('renders the ledger part once per snapshot and again for a new one', async () => {
    let current: LedgerSnapshot = snapshotOf([ns('shop', 10)]);
    const reg = createMetricsRegistry({ snapshot: () => current, version: '1', includeProcessMetrics: false });
    const [first] = await reg.metricsChunks();
    const [second] = await reg.metricsChunks();
    expect(second).toBe(first);
    current = snapshotOf([ns('shop', 11)]);
    const [third] = await reg.metricsChunks();
    expect(third).not.toBe(first);
    expect(third!.toString()).toContain('{namespace="shop"} 11\n');
  });

  it('gives the same bytes as chunks and as one string', async () => {
    const s = snapshotOf([ns('ünïcødé', 10)]);
    const reg = createMetricsRegistry({ snapshot: () => s, version: '1', includeProcessMetrics: false });
    const chunks = await reg.metricsChunks();
    expect(Buffer.concat(chunks).toString('utf8')).toBe(await reg.metrics());
  });

  it('refuses a snapshot whose namespace labels differ from the configured ones', async () => {
    const reg = createMetricsRegistry({
      snapshot: () => snapshotOf([]),
      version: '1',
      namespaceLabels: ['cluster', 'namespace'],
    });
    await expect(reg.metrics()).rejects.toThrow(/differ from the configured \[cluster, namespace\]/);
  });
});

describe('ServiceMetrics', () => {
  async function scrape(service: ServiceMetrics): Promise<string> {
    const reg = createMetricsRegistry({ snapshot: () => snapshotOf([]), version: '9.9.9', service, includeProcessMetrics: false });
    return reg.metrics();
  }

  it('starts down, never polled, with every poll error reason at 0', async () => {
    const service = new ServiceMetrics('9.9.9');
    const text = await scrape(service);
    expect(sampleLines(text, 'energy_ledger_up')).toEqual(['energy_ledger_up 0']);
    expect(sampleLines(text, 'energy_ledger_last_poll_success_timestamp_seconds')).toEqual([
      'energy_ledger_last_poll_success_timestamp_seconds 0',
    ]);
    expect(sampleLines(text, 'energy_ledger_poll_errors_total')).toEqual(
      POLL_ERROR_REASONS.map((r) => `energy_ledger_poll_errors_total{reason="${r}"} 0`),
    );
    expect(POLL_ERROR_REASONS).toContain('http_429');
    expect(sampleLines(text, 'energy_ledger_build_info')).toEqual(['energy_ledger_build_info{version="9.9.9"} 1']);
    expect(sampleLines(text, 'energy_ledger_backfill_complete')).toEqual(['energy_ledger_backfill_complete 0']);
    expect(readFamilies(text).get('energy_ledger_poll_errors_total')?.type).toEqual(['counter']);
    expect(service.up).toBe(0);
    expect(service.lastPollSuccess).toBeUndefined();
  });

  it('records a success, then a failure that keeps the last success time', async () => {
    const service = new ServiceMetrics('1');
    service.pollSucceeded(1_700_000_030, 0.2);
    let text = await scrape(service);
    expect(sampleLines(text, 'energy_ledger_up')).toEqual(['energy_ledger_up 1']);
    expect(text).toContain('energy_ledger_last_poll_success_timestamp_seconds 1700000030\n');
    expect(text).toContain('energy_ledger_poll_duration_seconds_bucket{le="0.1"} 0\n');
    expect(text).toContain('energy_ledger_poll_duration_seconds_bucket{le="0.25"} 1\n');

    service.pollFailed('timeout', 30);
    text = await scrape(service);
    expect(sampleLines(text, 'energy_ledger_up')).toEqual(['energy_ledger_up 0']);
    expect(text).toContain('energy_ledger_last_poll_success_timestamp_seconds 1700000030\n');
    expect(text).toContain('energy_ledger_poll_errors_total{reason="timeout"} 1\n');
    expect(text).toContain('energy_ledger_poll_errors_total{reason="unreachable"} 0\n');
    expect(text).toContain('energy_ledger_poll_duration_seconds_count 2\n');
    expect(text).toContain('energy_ledger_poll_duration_seconds_sum 30.2\n');
    expect(service.lastPollSuccess).toBe(1_700_000_030);
  });

  it('replaces the Kepler info series when the detected schema changes', async () => {
    const service = new ServiceMetrics('1');
    service.setKeplerInfo([{ schema: 'v0.4-v0.9', version: '0.7.12' }]);
    service.setKeplerInfo([
      { schema: 'v0.10+', version: '0.10.2' },
      { schema: 'v0.3', version: 'unknown' },
    ]);
    const text = await scrape(service);
    expect(sampleLines(text, 'energy_ledger_kepler_info')).toEqual([
      'energy_ledger_kepler_info{schema="v0.10+",version="0.10.2"} 1',
      'energy_ledger_kepler_info{schema="v0.3",version="unknown"} 1',
    ]);
    expect(service.keplerSchemas).toHaveLength(2);
  });

  it('flags the backfill as complete', async () => {
    const service = new ServiceMetrics('1');
    service.setBackfillComplete(true);
    expect(await scrape(service)).toContain('energy_ledger_backfill_complete 1\n');
    expect(service.backfillComplete).toBe(true);
  });

  it('ignores a negative or non-finite poll duration instead of corrupting the histogram', async () => {
    const service = new ServiceMetrics('1');
    service.observePollDuration(-1);
    service.observePollDuration(NaN);
    expect(await scrape(service)).toContain('energy_ledger_poll_duration_seconds_count 0\n');
  });
});
