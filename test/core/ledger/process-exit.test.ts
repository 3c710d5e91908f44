import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/core/ledger/index.js';
import { decideProcessSumDrop } from '../../../src/core/ledger/process-exit.js';
import type { SeriesSamples } from '../../../src/core/types.js';
import { descriptor, joulesOf } from './helpers.js';

const O = 360_000;
const WINDOWS = [{ label: '1h', seconds: 3600 }];
const gpu = descriptor('gpu', { component: 'gpu', dropsOnProcessExit: true, group: ['ml'] });

function gpuSamples(rows: readonly (readonly [number, number, number])[], d = gpu): SeriesSamples {
  return { descriptor: d, timestamps: rows.map((r) => r[0]), values: rows.map((r) => r[1]), power: rows.map((r) => r[2]) };
}

describe('decideProcessSumDrop', () => {
  it('books the survivors power times the interval when the new value is above what a restart allows', () => {
    // Two processes at 100 W and 50 W; the 100 W one exits; the survivor has 9000 J of lifetime energy.
    expect(decideProcessSumDrop(100, 150, 130, 9000, 50)).toEqual({ amount: 1500, processExit: true });
  });

  it('counts a value no more than the energy plausible since a restart from 0 (a reset)', () => {
    expect(decideProcessSumDrop(100, 150, 130, 4500, 50)).toEqual({ amount: 4500, processExit: false });
    expect(decideProcessSumDrop(100, 150, 130, 0, Number.NaN)).toEqual({ amount: 0, processExit: false });
  });

  it('takes a power Kepler did not export as 0 W', () => {
    expect(decideProcessSumDrop(100, Number.NaN, 130, 10, Number.NaN)).toEqual({ amount: 0, processExit: true });
  });

  it('never books more than the new value, nor more than the larger power times the interval', () => {
    const watts = fc.oneof(fc.constant(Number.NaN), fc.double({ min: 0, max: 1000, noNaN: true }));
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 1e5, noNaN: true }), fc.double({ min: 0, max: 1e9, noNaN: true }), watts, watts, (span, v, w0, w1) => {
        const d = decideProcessSumDrop(0, w0, span, v, w1);
        expect(d.amount).toBeLessThanOrEqual(v);
        expect(d.amount).toBeLessThanOrEqual(Math.max(w0 || 0, w1 || 0) * span + 1e-9);
        expect(d.amount).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('a pod GPU counter that drops when a process exits', () => {
  // t=O..O+90: processes A (100 W) and B (50 W) run; A exits after O+60; B has run since O−600.
  const rows: [number, number, number][] = [
    [O, 150 * 600, 150],
    [O + 30, 150 * 630, 150],
    [O + 60, 150 * 660, 150],
    [O + 90, 50 * 690, 50],
    [O + 120, 50 * 720, 50],
  ];

  it('books the survivor, not its whole lifetime again', () => {
    const l = new Ledger({ origin: O, windows: WINDOWS });
    const r = l.ingest([gpuSamples(rows)]);
    // 2 × 4500 J while both ran, then B's 1500 J in each of the last two intervals (A's share after O+60 is unseen).
    expect(joulesOf(l.totals('namespace'), 'ml')).toBe(9000 + 1500 + 1500);
    expect(r.resets).toBe(1);
    expect(r.processExits).toBe(1);
    expect(l.stats().resetsByCause).toEqual({ kepler_restart: 0, series_restart: 0, gpu_process_exit: 1 });
  });

  it('without the power series falls back to the reset rule (the whole new value)', () => {
    const l = new Ledger({ origin: O, windows: WINDOWS });
    l.ingest([{ descriptor: gpu, timestamps: rows.map((r) => r[0]), values: rows.map((r) => r[1]) }]);
    expect(joulesOf(l.totals('namespace'), 'ml')).toBe(9000 + 50 * 690 + 1500);
  });

  it('ignores power on series that do not sum processes', () => {
    const cpu = descriptor('cpu', { group: ['ml'] });
    const l = new Ledger({ origin: O, windows: WINDOWS });
    l.ingest([gpuSamples(rows, cpu)]);
    expect(joulesOf(l.totals('namespace'), 'ml')).toBe(9000 + 50 * 690 + 1500);
  });

  it('still counts a Kepler restart from 0: the new value fits the power since the restart', () => {
    const restart: [number, number, number][] = [
      [O, 150 * 600, 150],
      [O + 30, 150 * 630, 150],
      [O + 60, 150 * 20, 150], // Kepler restarted 20 s before the scrape
      [O + 90, 150 * 50, 150],
    ];
    const l = new Ledger({ origin: O, windows: WINDOWS });
    l.ingest([gpuSamples(restart)]);
    expect(joulesOf(l.totals('namespace'), 'ml')).toBe(4500 + 3000 + 4500);
    expect(l.stats().resetsByCause?.gpu_process_exit).toBe(0);
  });

  it('gives the same ledger whatever the batching, with the power split alongside', () => {
    const whole = new Ledger({ origin: O, windows: WINDOWS });
    whole.ingest([gpuSamples(rows)]);
    const batched = new Ledger({ origin: O, windows: WINDOWS });
    for (let i = 0; i < rows.length; i++) batched.ingest([gpuSamples(rows.slice(Math.max(0, i - 1), i + 1))]);
    expect(batched.totals('namespace')).toEqual(whole.totals('namespace'));
    expect(batched.stats()).toEqual(whole.stats());
  });
});
