/** Hand-built ledger snapshots for the exposition and HTTP tests. */
import type { GroupEnergy, LedgerSnapshot } from '../../src/core/types.js';

/** A snapshot with the given namespaces and one node; stats and watermark are fixed values. */
export function snapshotOf(namespaces: readonly GroupEnergy[], overrides: Partial<LedgerSnapshot> = {}): LedgerSnapshot {
  return {
    watermark: 1_700_003_600,
    namespaceLabels: ['namespace'],
    nodeLabels: ['node'],
    namespaces,
    nodes: [
      {
        labels: ['worker-1'],
        totalJoules: 36_000,
        windows: { '5m': 0.25, '1h': 3, '24h': 10 },
        periods: { current_hour: 1.5, previous_hour: 3 },
      },
    ],
    stats: { samples: 1234, rejected: { implausible: 2, out_of_order: 1, malformed: 0 }, resets: 3, resetsByCause: { kepler_restart: 2, series_restart: 0, gpu_process_exit: 1 }, series: 42 },
    ...overrides,
  };
}

/** A namespace whose windows and periods are easy to read back. */
export function ns(name: string, totalJoules: number, wh = 1): GroupEnergy {
  return {
    labels: [name],
    totalJoules,
    windows: { '5m': wh / 12, '1h': wh, '24h': wh * 24 },
    periods: { current_hour: wh / 2, previous_hour: wh },
  };
}
