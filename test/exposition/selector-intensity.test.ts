import { describe, expect, it } from 'vitest';
import { SelectorIntensity } from '../../src/carbon/selector-intensity.js';
import type { RawSeries } from '../../src/core/types.js';
import type { RangeRequest, SampleSource } from '../../src/read/sample-source.js';

const H = 3600;
const T = 1_000 * H;

/** A source returning fixed series and recording what it was asked. */
function source(series: RawSeries[]): SampleSource & { asked: RangeRequest[] } {
  const asked: RangeRequest[] = [];
  return {
    asked,
    fetchRange: async (request) => (asked.push(request), series),
    presentMetricNames: async () => new Set<string>(),
  } as SampleSource & { asked: RangeRequest[] };
}

describe('SelectorIntensity', () => {
  it('averages samples per clock hour (over all matched series) and falls back to the latest earlier hour, else the earliest', async () => {
    const src = source([
      { labels: { region: 'a' }, timestamps: [T + 60, T + H, T + 2 * H + 60], values: [100, 200, 400] },
      { labels: { region: 'b' }, timestamps: [T + 120], values: [300] },
    ] as unknown as RawSeries[]);
    const intensity = new SelectorIntensity(src, 'grid{region=~"a|b"}');
    expect(intensity.intensity(T)).toBeNaN();
    await intensity.refresh(T + 3 * H, 3);
    expect(src.asked).toEqual([{ selector: 'grid{region=~"a|b"}', start: T, end: T + 3 * H }]);
    // (T, T+1h] holds 100, 200 (at T + 1 h exactly) and 300.
    expect(intensity.intensity(T)).toBe(200);
    expect(intensity.intensity(T + H)).toBe(200);
    expect(intensity.intensity(T + 2 * H)).toBe(400);
    expect(intensity.intensity(T + 5 * H)).toBe(400);
    expect(intensity.intensity(T - 4 * H)).toBe(200);
    expect(intensity.weight('g', 1.5).perWattHour(T + 2 * H)).toBeCloseTo((400 * 1.5) / 1000, 12);
  });
});
