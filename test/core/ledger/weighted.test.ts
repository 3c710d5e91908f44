import { describe, expect, it } from 'vitest';
import { buildSnapshot, Ledger, type HourWeight, type LedgerCalendar } from '../../../src/core/ledger/index.js';
import { descriptor, samples } from './helpers.js';

const H = 3600;
const D = 86_400;
const calendar: LedgerCalendar = { dayOf: (h) => Math.floor((h + 2 * H) / D), monthStartOf: (day) => day - (day % 10) };
const O = 100 * D - 2 * H;
const LABELS = { namespaceLabels: ['namespace'], nodeLabels: ['node'] };

function oneWattLedger(to: number, step = 60): Ledger {
  const l = new Ledger({ origin: O, windows: [{ label: '1h', seconds: H }], calendar });
  const pairs: [number, number][] = [];
  for (let t = O; t <= to; t += step) pairs.push([t, t - O]);
  l.ingest([samples(descriptor('a', { group: ['shop'] }), pairs)]);
  return l;
}

describe('weighted energy (carbon, cost)', () => {
  it('weights each hour of windows, hours and days by that hour’s factor', () => {
    // Factor 1 in the first hour after O, 2 in the second, …
    const byHour: HourWeight = { name: 'g', perWattHour: (h) => (h - O) / H + 1, perWattHourOfDay: () => NaN };
    const [shop] = buildSnapshot(oneWattLedger(O + 3 * H + 1800), LABELS, [byHour]).namespaces;
    expect(shop?.weighted?.g).toEqual({
      // (O+2.5h, O+3.5h]: half an hour at 3, half an hour at 4.
      windows: { '1h': 0.5 * 3 + 0.5 * 4 },
      periods: { current_hour: 0.5 * 4, previous_hour: 3, current_day: 1 + 2 + 3 + 2, month_to_date: 1 + 2 + 3 + 2 },
    });
  });

  it('weights the hours of month_to_date past the 48 h retention by the day factor', () => {
    const w: HourWeight = { name: 'g', perWattHour: () => 1, perWattHourOfDay: (day) => (day === 100 ? 10 : NaN) };
    const [shop] = buildSnapshot(oneWattLedger(O + 3 * D + 1800, 300), LABELS, [w]).namespaces;
    // Held hours start at O + 1 day: 48.5 Wh at 1; day 100 (24 Wh) only as a day total, at 10.
    expect(shop?.weighted?.g?.periods.month_to_date).toBeCloseTo(48.5 + 240, 9);
    expect(shop?.weighted?.g?.periods.previous_day).toBeCloseTo(24, 9);
    expect(shop?.periods.month_to_date).toBeCloseTo(72.5, 9);
  });

  it('adds nothing to groups when built without weights', () => {
    const [shop] = buildSnapshot(oneWattLedger(O + H), LABELS).namespaces;
    expect(shop).not.toHaveProperty('weighted');
  });
});
