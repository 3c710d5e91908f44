import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { RawSeries } from '../../src/core/types.js';
import { createLogger } from '../../src/log.js';
import { reportWeights } from '../../src/report/report-weights.js';
import type { RangeRequest, SampleSource } from '../../src/read/sample-source.js';

const H = 3600;
const FROM = 480_000 * H;
const TO = FROM + 6 * H;

/** A source returning fixed series and recording what it was asked. */
function source(series: RawSeries[]): SampleSource & { asked: RangeRequest[] } {
  const asked: RangeRequest[] = [];
  return { asked, fetchRange: async (request: RangeRequest) => (asked.push(request), series), presentMetricNames: async () => new Set<string>() };
}

const config = (yaml: string) => loadConfig({ file: { name: 'c.yaml', text: yaml } });
const logger = createLogger({ level: 'silent' });

describe('reportWeights', () => {
  it('reads the selector over the report\'s hours and the day before, so that leading hours without samples take the last value before the report', async () => {
    // Samples: 300 g/kWh two hours before the report, 100 in its fourth hour.
    const src = source([{ labels: {}, timestamps: [FROM - 2 * H + 60, FROM + 3 * H + 60], values: [300, 100] }]);
    const { weights, columns } = await reportWeights({ config: config('carbon: { intensity_selector: grid, pue: 2 }\n'), source: src, logger, from: FROM, to: TO, now: TO + 10 * H });
    expect(src.asked).toEqual([{ selector: 'grid', start: FROM - 24 * H, end: TO }]);
    expect(columns).toEqual({ carbon: true });
    const carbon = weights[0]!;
    expect([0, 1, 2, 3, 4, 5].map((i) => carbon.perWattHour(FROM + i * H))).toEqual([0.6, 0.6, 0.6, 0.2, 0.2, 0.2]);
  });

  it('reads nothing beyond the wall clock', async () => {
    const src = source([]);
    const now = FROM + 2.5 * H;
    await reportWeights({ config: config('carbon: { intensity_selector: grid }\n'), source: src, logger, from: FROM, to: TO, now });
    expect(src.asked).toEqual([{ selector: 'grid', start: FROM - 24 * H, end: now }]);
  });

  it('builds cost alone, with its currency, without reading anything', async () => {
    const src = source([]);
    const { weights, columns } = await reportWeights({ config: config('cost: { price_per_kwh: 0.4, currency: CHF }\n'), source: src, logger, from: FROM, to: TO, now: TO });
    expect(src.asked).toEqual([]);
    expect(columns).toEqual({ cost: { currency: 'CHF' } });
    expect(weights.map((w) => [w.name, w.perWattHour(FROM)])).toEqual([['cost', 0.4 / 1000]]);
  });

  it('fails naming the query when there is no PromQL engine to evaluate carbon.intensity_query', async () => {
    await expect(reportWeights({ config: config('carbon: { intensity_query: vector(1) }\n'), source: source([]), logger, from: FROM, to: TO, now: TO })).rejects.toThrow(
      'failed to read the grid carbon intensity (query vector(1)): this source has no PromQL engine to evaluate carbon.intensity_query',
    );
  });
});
