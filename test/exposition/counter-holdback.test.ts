/**
 * The `…_energy_joules_total` counters stay off `/metrics` until the start-up backfill is complete, so a
 * backfill that reads a day within seconds never shows as a counter climbing (a `rate()` spike).
 */
import { describe, expect, it } from 'vitest';
import type { LedgerSnapshot } from '../../src/core/types.js';
import { renderLedgerText } from '../../src/exposition/ledger-text.js';
import { createMetricsRegistry } from '../../src/exposition/registry.js';
import { ServiceMetrics } from '../../src/exposition/service-metrics.js';
import { readFamilies } from './parse-exposition.js';
import { ns, snapshotOf } from './snapshots.js';

const COUNTERS = ['energy_ledger_namespace_energy_joules_total', 'energy_ledger_node_energy_joules_total'];

/** Lines that name one of the two counter families (samples, HELP or TYPE). */
const counterLines = (text: string): string[] => text.split('\n').filter((l) => COUNTERS.some((name) => l.includes(name)));

describe('renderLedgerText with counters: false', () => {
  const snapshot = snapshotOf([ns('shop', 10), ns('batch', 20)]);

  it('leaves out both counter families, HELP and TYPE included, and nothing else', () => {
    const full = renderLedgerText(snapshot);
    const held = renderLedgerText(snapshot, { counters: false });
    const removed = counterLines(full);
    // HELP + TYPE + one sample per group: two namespaces and one node.
    expect(removed).toHaveLength(2 * 2 + 3);
    expect(counterLines(held)).toEqual([]);
    expect(held).toBe(full.split('\n').filter((l) => !removed.includes(l)).join('\n'));
    const families = readFamilies(held);
    expect(families.get('energy_ledger_namespace_energy_watt_hours')?.samples).toHaveLength(6);
    expect(families.get('energy_ledger_node_period_energy_watt_hours')?.samples).toHaveLength(2);
  });

  it('renders the counters when asked to or by default', () => {
    expect(renderLedgerText(snapshot, { counters: true })).toBe(renderLedgerText(snapshot));
    expect(readFamilies(renderLedgerText(snapshot)).get(COUNTERS[1]!)?.samples).toEqual(['energy_ledger_node_energy_joules_total{node="worker-1"} 36000']);
  });
});

describe('createMetricsRegistry with holdBackCountersUntilBackfill', () => {
  const setup = (holdBack?: boolean) => {
    const service = new ServiceMetrics('1');
    let current: LedgerSnapshot = snapshotOf([ns('shop', 10)]);
    const reg = createMetricsRegistry({
      snapshot: () => current,
      version: '1',
      service,
      includeProcessMetrics: false,
      ...(holdBack !== undefined && { holdBackCountersUntilBackfill: holdBack }),
    });
    return { service, reg, publish: (s: LedgerSnapshot) => void (current = s) };
  };

  it('serves no counter family while energy_ledger_backfill_complete is 0, and both once it is 1', async () => {
    const { service, reg, publish } = setup(true);
    const during = await reg.metrics();
    expect(during).toContain('energy_ledger_backfill_complete 0');
    expect(counterLines(during)).toEqual([]);
    expect(during).toContain('energy_ledger_namespace_energy_watt_hours{namespace="shop",window="1h"} 1');

    // The poller publishes the last snapshot of the backfill, then marks it complete.
    publish(snapshotOf([ns('shop', 500)]));
    expect(counterLines(await reg.metrics())).toEqual([]);
    service.setBackfillComplete(true);
    const after = await reg.metrics();
    expect(after).toContain('energy_ledger_backfill_complete 1');
    const families = readFamilies(after);
    expect(families.get(COUNTERS[0]!)?.samples).toEqual(['energy_ledger_namespace_energy_joules_total{namespace="shop"} 500']);
    expect(families.get(COUNTERS[1]!)?.type).toEqual(['counter']);
  });

  it('renders the ledger part once per snapshot and backfill state, and again when either changes', async () => {
    const { service, reg, publish } = setup(true);
    const [held] = await reg.metricsChunks();
    const [heldAgain] = await reg.metricsChunks();
    expect(heldAgain).toBe(held);
    service.setBackfillComplete(true);
    const [shown] = await reg.metricsChunks();
    expect(shown).not.toBe(held);
    expect(shown!.toString('utf8')).toContain(`# TYPE ${COUNTERS[0]} counter`);
    expect((await reg.metricsChunks())[0]).toBe(shown);
    publish(snapshotOf([ns('shop', 11)]));
    const [next] = await reg.metricsChunks();
    expect(next!.toString('utf8')).toContain(`${COUNTERS[0]}{namespace="shop"} 11\n`);
    // A backfill started again (setBackfillComplete(false)) hides them again.
    service.setBackfillComplete(false);
    expect(counterLines((await reg.metricsChunks())[0]!.toString('utf8'))).toEqual([]);
  });

  it('keeps the counters whatever the backfill state when the option is off (the default)', async () => {
    for (const holdBack of [undefined, false]) {
      const { service, reg } = setup(holdBack);
      expect(service.backfillComplete).toBe(false);
      expect(readFamilies(await reg.metrics()).get(COUNTERS[0]!)?.samples).toEqual(['energy_ledger_namespace_energy_joules_total{namespace="shop"} 10']);
    }
  });
});
