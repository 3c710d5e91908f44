import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/core/ledger/index.js';
import { READ_BACK_NOISE } from '../../../src/core/ledger/account-series.js';
import { descriptor, joulesOf, samples } from './helpers.js';

const origin = 100 * 3600;
const windows = [{ label: '1h', seconds: 3600 }];
const d = descriptor('a');

// One stored reading returned two ways, one ulp apart (VictoriaMetrics gave 12023.9138387 and
// 12023.913838700002 for one sample).
const HIGH = 240.91383870000004;
const LOW = 240.9138387;

describe('read-back noise on counters', () => {
  it('is the size of a float ulp, far below any real reset', () => {
    expect((HIGH - LOW) / HIGH).toBeLessThan(READ_BACK_NOISE);
    expect(READ_BACK_NOISE).toBeLessThan(1e-6);
  });

  it('does not count a reading a few ulps lower as a reset (it would count the whole counter again)', () => {
    const t = origin + 60;
    const ledger = new Ledger({ origin, windows });
    const result = ledger.ingest([samples(d, [[t, 0], [t + 1, 200], [t + 2, HIGH], [t + 3, LOW], [t + 4, 260]])]);
    expect(result.resets).toBe(0);
    expect(joulesOf(ledger.totals('namespace'), 'ns-a')).toBeCloseTo(260, 5);
  });

  it('behaves the same when the lower reading arrives in a later poll that re-reads an overlap', () => {
    const t = origin + 60;
    const ledger = new Ledger({ origin, windows });
    ledger.ingest([samples(d, [[t, 0], [t + 1, 200], [t + 2, HIGH]])]);
    ledger.ingest([samples(d, [[t + 1, 200], [t + 2, LOW], [t + 3, LOW], [t + 4, 260]])]);
    expect(ledger.stats().resets).toBe(0);
    expect(joulesOf(ledger.totals('namespace'), 'ns-a')).toBeCloseTo(260, 5);
  });

  it('still counts a real reset, whose value restarts near 0', () => {
    const t = origin + 60;
    const ledger = new Ledger({ origin, windows });
    const result = ledger.ingest([samples(d, [[t, 0], [t + 1, 200], [t + 2, HIGH], [t + 3, 5], [t + 4, 25]])]);
    expect(result.resets).toBe(1);
    expect(joulesOf(ledger.totals('namespace'), 'ns-a')).toBeCloseTo(HIGH + 25, 5);
  });
});
