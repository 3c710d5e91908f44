import { describe, expect, it } from 'vitest';
import { QueryIntensity, intensitySubquery, type MatrixQuery } from '../../src/carbon/query-intensity.js';
import type { RawSeries } from '../../src/core/types.js';

const H = 3600;
const T = 1_000 * H;

/** A querier answering with fixed series and recording each (expr, time) it was asked. */
function querier(series: RawSeries[]): MatrixQuery & { asked: [string, number][] } {
  const asked: [string, number][] = [];
  return { asked, queryMatrix: async (expr, time) => (asked.push([expr, time]), { series }) };
}

const series = (labels: Record<string, string>, points: [number, number][]): RawSeries => ({
  labels,
  timestamps: points.map((p) => p[0]),
  values: points.map((p) => p[1]),
});

describe('QueryIntensity', () => {
  it('evaluates the expression as a subquery over the hours asked for, at now, in milliseconds', async () => {
    const q = querier([]);
    await new QueryIntensity(q, 'avg(grid) * 1.05', 300).refresh(T + 2 * H + 90.5, 2);
    // Two hours before the start of the current hour: T to T + 2 h 1 min 30.5 s.
    expect(q.asked).toEqual([['(avg(grid) * 1.05)[7290500ms:300000ms]', T + 2 * H + 90.5]]);
  });

  it('averages the evaluations per clock hour over every series, the hour starting at h holding (h, h + 1 h]', async () => {
    const q = querier([
      series({ region: 'a' }, [[T, 999], [T + 1800, 100], [T + H, 200], [T + H + 60, 500], [T + 2 * H, Number.NaN]]),
      series({ region: 'b' }, [[T + 60, 300]]),
    ]);
    const intensity = new QueryIntensity(q, 'grid');
    await intensity.refresh(T + 2 * H, 2);
    // The evaluation at T itself is outside (T, T + 2 h]; the NaN is skipped.
    expect(intensity.intensity(T)).toBe((100 + 200 + 300) / 3);
    expect(intensity.intensity(T + H)).toBe(500);
    // Later hours fall back to the latest earlier hour, earlier ones to the earliest.
    expect(intensity.intensity(T + 5 * H)).toBe(500);
    expect(intensity.intensity(T - 3 * H)).toBe(200);
    expect(intensity.weight('g', 1.5).perWattHour(T + H)).toBeCloseTo((500 * 1.5) / 1000, 12);
    expect(intensity.weight('g', 2).perWattHourOfDay(T)).toBeCloseTo((((200 + 500) / 2) * 2) / 1000, 12);
  });

  it('answers fallback hours and the day factor from the hours known now, not from before the last refresh', async () => {
    let answer = [series({}, [[T + 60, 100]])];
    const intensity = new QueryIntensity({ queryMatrix: async () => ({ series: answer }) }, 'grid');
    await intensity.refresh(T + H, 1);
    const weight = intensity.weight('g', 1);
    expect(intensity.intensity(T + 2 * H)).toBe(100);
    expect(weight.perWattHourOfDay(0)).toBeCloseTo(100 / 1000, 12);
    answer = [series({}, [[T + 2 * H + 60, 400]])];
    await intensity.refresh(T + 3 * H, 3);
    expect(intensity.intensity(T + 2 * H)).toBe(400);
    expect(intensity.intensity(T + 5 * H)).toBe(400);
    expect(weight.perWattHour(T + H)).toBeCloseTo(100 / 1000, 12);
    expect(weight.perWattHourOfDay(0)).toBeCloseTo((100 + 400) / 2 / 1000, 12);
  });

  it('after a first full read, evaluates again from the hour before the previous refresh only', async () => {
    const q = querier([]);
    const intensity = new QueryIntensity(q, 'grid', 60);
    await intensity.refresh(T + 10 * H + 600, 10);
    await intensity.refresh(T + 10 * H + 660, 10);
    expect(q.asked.map(([expr]) => expr)).toEqual([intensitySubquery('grid', 10 * H + 600, 60), intensitySubquery('grid', H + 660, 60)]);
  });

  it('keeps the previous hours when a refresh fails, and reads the whole range again after it', async () => {
    let fail = false;
    const asked: string[] = [];
    const intensity = new QueryIntensity(
      {
        queryMatrix: async (expr) => {
          asked.push(expr);
          if (fail) throw new Error('failed to query: bad_data');
          return { series: [series({}, [[T + 60, 42]])] };
        },
      },
      'grid',
    );
    fail = true;
    await expect(intensity.refresh(T + 3 * H, 3)).rejects.toThrow('bad_data');
    expect(intensity.intensity(T)).toBeNaN();
    fail = false;
    await intensity.refresh(T + 3 * H, 3);
    expect(intensity.intensity(T)).toBe(42);
    expect(asked).toEqual([intensitySubquery('grid', 3 * H, 60), intensitySubquery('grid', 3 * H, 60)]);
  });
});
