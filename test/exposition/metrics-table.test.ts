import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_METRICS } from '../../src/exposition/names.js';
import { metricsTable } from './markdown-table.js';

const root = new URL('../../', import.meta.url);
const emitted = ALL_METRICS.map((m) => m.name).sort();

describe('metrics documentation', () => {
  it('docs/metrics-table.md lists exactly the metrics of names.ts, with their types and labels', () => {
    const rows = metricsTable(readFileSync(new URL('docs/metrics-table.md', root), 'utf8'));
    expect(rows).toBeDefined();
    expect(rows!.flatMap((r) => r.names).sort()).toEqual(emitted);
    for (const spec of ALL_METRICS) {
      const row = rows!.find((r) => r.names.includes(spec.name))!;
      expect(row.names, spec.name).toHaveLength(1);
      expect(row.cells[1], spec.name).toBe(spec.type);
      const documented = [...(row.cells[2] ?? '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1]).filter((l) => l !== 'group_by');
      expect(documented, spec.name).toEqual([...(spec.group ? [spec.group] : []), ...spec.labels]);
    }
  });

  it('reads every name of a combined row and stops at the end of the table', () => {
    const rows = metricsTable(
      '# Metrics\n\n| metric | type |\n|---|---|\n| `energy_ledger_up` | gauge |\n| `energy_ledger_node_a`, `energy_ledger_node_b` | as above |\n\n| `energy_ledger_other` | x |\n',
    );
    expect(rows?.flatMap((r) => r.names)).toEqual(['energy_ledger_up', 'energy_ledger_node_a', 'energy_ledger_node_b']);
    expect(metricsTable('| key | default |\n|---|---|\n| `energy_ledger_up` | x |\n')).toBeUndefined();
  });
});
