import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/core/ledger/index.js';
import type { SeriesSamples } from '../../../src/core/types.js';

const ORIGIN = 1_767_225_600;

function batch(series: number): SeriesSamples[] {
  return Array.from({ length: series }, (_, i) => ({
    descriptor: {
      key: `k${i}`,
      schema: 'v0.10+',
      scope: 'namespace',
      kind: 'counter',
      toJoules: 1,
      group: [`ns-${i % 7}`],
      node: `n${i % 3}`,
      component: 'package',
    },
    timestamps: [ORIGIN - 10, ORIGIN + 50, ORIGIN + 3650],
    values: [100, 100 + 60 * (i + 1), 100 + 3660 * (i + 1)],
  }));
}

const ledgerOf = () => new Ledger({ origin: ORIGIN, windows: [{ label: '1h', seconds: 3600 }] });

describe('Ledger.ingestSteps', () => {
  it('yields after every step of series and ends with the ledger and result that ingest gives', () => {
    const stepped = ledgerOf();
    const steps = stepped.ingestSteps(batch(10), 4);
    let yields = 0;
    let step = steps.next();
    for (; step.done !== true; step = steps.next()) yields++;
    const whole = ledgerOf();
    expect(step.value).toEqual(whole.ingest(batch(10)));
    expect(yields).toBe(2); // after series 4 and 8
    expect(stepped.watermark).toBe(ORIGIN + 3650);
    expect(stepped.hours('namespace', ORIGIN, ORIGIN + 7200)).toEqual(whole.hours('namespace', ORIGIN, ORIGIN + 7200));
    expect(stepped.totals('namespace')).toEqual(whole.totals('namespace'));
    expect(stepped.stats()).toEqual(whole.stats());
  });

  it('moves the watermark only at the last step', () => {
    const ledger = ledgerOf();
    const steps = ledger.ingestSteps(batch(3), 1);
    steps.next();
    expect(ledger.watermark).toBeUndefined();
    while (steps.next().done !== true);
    expect(ledger.watermark).toBe(ORIGIN + 3650);
  });
});
