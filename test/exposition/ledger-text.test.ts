import { describe, expect, it } from 'vitest';
import { ExpositionError, renderLedgerText } from '../../src/exposition/ledger-text.js';
import { readFamilies } from './parse-exposition.js';
import { ns, snapshotOf } from './snapshots.js';

describe('renderLedgerText', () => {
  it('renders a small snapshot exactly, one HELP and TYPE per family', () => {
    const text = renderLedgerText(snapshotOf([ns('shop', 7200, 2)], { nodes: [] }));
    const samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(samples).toEqual([
      'energy_ledger_namespace_energy_joules_total{namespace="shop"} 7200',
      'energy_ledger_namespace_energy_watt_hours{namespace="shop",window="5m"} 0.16666666666666666',
      'energy_ledger_namespace_energy_watt_hours{namespace="shop",window="1h"} 2',
      'energy_ledger_namespace_energy_watt_hours{namespace="shop",window="24h"} 48',
      'energy_ledger_namespace_period_energy_watt_hours{namespace="shop",period="current_hour"} 1',
      'energy_ledger_namespace_period_energy_watt_hours{namespace="shop",period="previous_hour"} 2',
      'energy_ledger_samples_total 1234',
      'energy_ledger_samples_rejected_total{reason="implausible"} 2',
      'energy_ledger_samples_rejected_total{reason="out_of_order"} 1',
      'energy_ledger_samples_rejected_total{reason="malformed"} 0',
      'energy_ledger_counter_resets_total{cause="kepler_restart"} 2',
      'energy_ledger_counter_resets_total{cause="series_restart"} 0',
      'energy_ledger_counter_resets_total{cause="gpu_process_exit"} 1',
      'energy_ledger_series 42',
      'energy_ledger_data_watermark_timestamp_seconds 1700003600',
    ]);
    expect(text).toContain(
      '# HELP energy_ledger_namespace_energy_watt_hours Energy of the workload namespace in the trailing window ending at the data watermark, in watt-hours.',
    );
    const families = readFamilies(text);
    for (const f of families.values()) {
      expect(f.help, f.name).toHaveLength(1);
      expect(f.type, f.name).toHaveLength(1);
    }
    expect(families.size).toBe(11);
  });

  it('types the ledger-derived monotonic series as counters and the rest as gauges', () => {
    const families = readFamilies(renderLedgerText(snapshotOf([ns('shop', 1)])));
    const typeOf = (name: string) => families.get(name)?.type[0];
    expect(typeOf('energy_ledger_namespace_energy_joules_total')).toBe('counter');
    expect(typeOf('energy_ledger_node_energy_joules_total')).toBe('counter');
    expect(typeOf('energy_ledger_samples_total')).toBe('counter');
    expect(typeOf('energy_ledger_samples_rejected_total')).toBe('counter');
    expect(typeOf('energy_ledger_counter_resets_total')).toBe('counter');
    expect(typeOf('energy_ledger_namespace_energy_watt_hours')).toBe('gauge');
    expect(typeOf('energy_ledger_node_period_energy_watt_hours')).toBe('gauge');
    expect(typeOf('energy_ledger_series')).toBe('gauge');
    expect(typeOf('energy_ledger_data_watermark_timestamp_seconds')).toBe('gauge');
  });

  it('drops a namespace that left the snapshot', () => {
    const before = renderLedgerText(snapshotOf([ns('shop', 10), ns('batch', 20)]));
    const after = renderLedgerText(snapshotOf([ns('shop', 15)]));
    expect(before).toContain('namespace="batch"');
    expect(after).not.toContain('batch');
    expect(after).toContain('energy_ledger_namespace_energy_joules_total{namespace="shop"} 15\n');
  });

  it.each([
    ['a double quote', 'say "hi"', 'say \\"hi\\"'],
    ['a backslash', 'C:\\ns', 'C:\\\\ns'],
    ['a line feed', 'two\nlines', 'two\\nlines'],
    ['all three at once', 'a"b\\c\nd', 'a\\"b\\\\c\\nd'],
    ['non-ASCII text, unescaped', 'ünïcødé-名前', 'ünïcødé-名前'],
  ])('escapes %s in a label value', (_what, value, escaped) => {
    const text = renderLedgerText(snapshotOf([ns(value, 1)]));
    expect(text).toContain(`energy_ledger_namespace_energy_joules_total{namespace="${escaped}"} 1\n`);
    expect(text.split('\n').filter((l) => l.startsWith('energy_ledger_namespace_energy_joules_total'))).toHaveLength(1);
  });

  it('renders extra grouping labels before namespace-specific labels, in the snapshot order', () => {
    const text = renderLedgerText(
      snapshotOf([{ ...ns('shop', 5), labels: ['prod-eu', 'shop'] }], { namespaceLabels: ['cluster', 'namespace'] }),
      { namespaceLabels: ['cluster', 'namespace'] },
    );
    expect(text).toContain('energy_ledger_namespace_energy_watt_hours{cluster="prod-eu",namespace="shop",window="1h"} 1\n');
  });

  it('formats special float values the way Prometheus parses them', () => {
    const text = renderLedgerText(snapshotOf([{ ...ns('x', Infinity), windows: { '5m': NaN, '1h': -Infinity } }]));
    expect(text).toContain('energy_ledger_namespace_energy_joules_total{namespace="x"} +Inf\n');
    expect(text).toContain('{namespace="x",window="5m"} NaN\n');
    expect(text).toContain('{namespace="x",window="1h"} -Inf\n');
  });

  it('exposes a watermark of 0 and no groups before the first sample, keeping every family', () => {
    const text = renderLedgerText(snapshotOf([], { watermark: undefined, nodes: [] }));
    expect(text).toContain('energy_ledger_data_watermark_timestamp_seconds 0\n');
    expect(readFamilies(text).get('energy_ledger_namespace_energy_joules_total')?.samples).toEqual([]);
  });

  it('refuses a snapshot whose label names differ from the configured ones', () => {
    const snapshot = snapshotOf([ns('shop', 1)]);
    expect(() => renderLedgerText(snapshot, { namespaceLabels: ['cluster', 'namespace'] })).toThrow(ExpositionError);
    expect(() => renderLedgerText(snapshot, { nodeLabels: ['host'] })).toThrow(/snapshot labels \[node\] differ/);
  });

  it.each([['__reserved'], ['bad-name'], ['window'], ['period']])('refuses the group label name %s', (name) => {
    expect(() => renderLedgerText(snapshotOf([], { namespaceLabels: [name] }))).toThrow(/invalid group label name/);
  });

  it('refuses a group whose label values do not match the label names', () => {
    expect(() => renderLedgerText(snapshotOf([{ ...ns('shop', 1), labels: ['a', 'b'] }]))).toThrow(/2 label values/);
  });
});
