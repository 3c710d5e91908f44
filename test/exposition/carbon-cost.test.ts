import { describe, expect, it } from 'vitest';
import { configuredWeights, localHourOf, scheduleWeight } from '../../src/carbon/hour-weights.js';
import type { LedgerSnapshot } from '../../src/core/types.js';
import { renderWeightedText } from '../../src/exposition/weighted-text.js';

const utc = (text: string): number => Date.parse(text) / 1000;

describe('carbon and cost weights', () => {
  it('finds the local hour of a UTC clock hour, at its midpoint in half-hour zones', () => {
    expect(localHourOf('Europe/Paris', utc('2026-07-01T22:00:00Z'))).toBe(0);
    expect(localHourOf('Europe/Paris', utc('2026-12-01T22:00:00Z'))).toBe(23);
    // 18:00–19:00 UTC is 23:30–00:30 in Kolkata: its midpoint is local midnight.
    expect(localHourOf('Asia/Kolkata', utc('2026-11-26T18:00:00Z'))).toBe(0);
    expect(localHourOf('America/New_York', utc('2026-11-27T03:00:00Z'))).toBe(22);
  });

  it('weights watt-hours by the schedule of the local hour, times the factor, and days by the mean', () => {
    const schedule = Array.from({ length: 24 }, (_, h) => h * 10);
    const w = scheduleWeight('g', schedule, 1.5, 'Europe/Paris');
    expect(w.perWattHour(utc('2026-12-01T07:00:00Z'))).toBeCloseTo((80 * 1.5) / 1000, 12);
    expect(w.perWattHourOfDay(0)).toBeCloseTo((115 * 1.5) / 1000, 12);
  });

  it('builds carbon with PUE and cost without, only for what is configured', () => {
    const weights = configuredWeights({ carbon: { intensityGPerKwh: 400, pue: 1.2 }, cost: { pricePerKwh: 0.3, currency: 'EUR' }, timezone: 'UTC' });
    expect(weights.map((w) => [w.name, w.perWattHour(0)])).toEqual([
      ['carbon_grams', (400 * 1.2) / 1000],
      ['cost', 0.3 / 1000],
    ]);
    expect(configuredWeights({ timezone: 'UTC' })).toEqual([]);
  });
});

describe('renderWeightedText', () => {
  const base: LedgerSnapshot = {
    watermark: 7200,
    namespaceLabels: ['namespace'],
    nodeLabels: ['node'],
    namespaces: [],
    nodes: [],
    stats: { samples: 0, rejected: { implausible: 0, out_of_order: 0, malformed: 0 }, resets: 0, series: 0 },
  };

  it('renders carbon and cost families with window and period labels, cost with its currency', () => {
    const text = renderWeightedText(
      {
        ...base,
        namespaces: [
          {
            labels: ['shop'],
            totalJoules: 1,
            windows: {},
            periods: {},
            weighted: { carbon_grams: { windows: { '1h': 2.5 }, periods: { current_day: 10 } }, cost: { windows: { '1h': 0.25 }, periods: { current_day: 1 } } },
          },
        ],
      },
      'EUR',
    );
    const samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(samples).toEqual([
      'energy_ledger_namespace_carbon_grams{namespace="shop",window="1h"} 2.5',
      'energy_ledger_namespace_period_carbon_grams{namespace="shop",period="current_day"} 10',
      'energy_ledger_namespace_cost{namespace="shop",currency="EUR",window="1h"} 0.25',
      'energy_ledger_namespace_period_cost{namespace="shop",currency="EUR",period="current_day"} 1',
    ]);
    expect(text).toContain('# TYPE energy_ledger_namespace_cost gauge');
  });

  it('renders nothing without weights', () => {
    expect(renderWeightedText({ ...base, namespaces: [{ labels: ['shop'], totalJoules: 1, windows: {}, periods: {} }] })).toBe('');
  });
});
