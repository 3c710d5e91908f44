import { describe, expect, it } from 'vitest';
import { withConstantLabels } from '../../src/exposition/constant-labels.js';
import { createMetricsRegistry } from '../../src/exposition/registry.js';
import { buildSnapshot } from '../../src/core/ledger/index.js';
import { Ledger } from '../../src/core/ledger/index.js';

describe('withConstantLabels', () => {
  it('adds the labels to every sample line, before existing labels, and keeps comments', () => {
    const text = '# HELP m x\n# TYPE m gauge\nm 1\nn{a="{b}"} 2\no{} 3\n';
    expect(withConstantLabels(text, 'shard="1"')).toBe('# HELP m x\n# TYPE m gauge\nm{shard="1"} 1\nn{shard="1",a="{b}"} 2\no{shard="1"} 3\n');
    expect(withConstantLabels(text, '')).toBe(text);
  });

  it('puts shard="i" on every series of /metrics, ledger and service metrics alike', async () => {
    const ledger = new Ledger({ origin: 1_800_000_000, windows: [{ label: '1h', seconds: 3600 }] });
    const labels = { namespaceLabels: ['namespace'], nodeLabels: ['node'] };
    const snapshot = buildSnapshot(ledger, labels);
    const registry = createMetricsRegistry({ snapshot: () => snapshot, version: '0.0.0-test', includeProcessMetrics: false, constantLabels: 'shard="2"', ...labels });
    const text = Buffer.concat(await registry.metricsChunks()).toString('utf8');
    const samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(samples.length).toBeGreaterThan(10);
    for (const line of samples) expect(line).toMatch(/^[a-z_]+\{shard="2"[,}]/);
    expect(text).toContain('energy_ledger_samples_read_total{shard="2"} 0');
    expect(await registry.metrics()).toBe(text);
  });
});
