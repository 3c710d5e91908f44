import { describe, expect, it } from 'vitest';
import { configuredWeights } from '../../src/carbon/hour-weights.js';
import { SelectorIntensity } from '../../src/carbon/selector-intensity.js';
import { buildSnapshot, Ledger } from '../../src/core/ledger/index.js';
import type { RawSeries } from '../../src/core/types.js';
import { renderWeightedText } from '../../src/exposition/weighted-text.js';
import type { SampleSource } from '../../src/read/sample-source.js';
import { descriptor, samples } from '../core/ledger/helpers.js';

const H = 3600;
const ORIGIN = 500_000 * H;
const PUE = 1.5;
const PRICE = 0.3;
const INTENSITY = 240;
/** 7,200 J over the first hour after the origin: 2 Wh. */
const JOULES = 7200;
const WH = JOULES / H;

/** A source whose intensity series is empty until `series` is set. */
function intensitySource(): SampleSource & { series: RawSeries[] } {
  const src = {
    series: [] as RawSeries[],
    fetchRange: async () => src.series,
    presentMetricNames: async () => new Set<string>(),
  };
  return src;
}

/** Sample lines of the text (no comments), and the `# TYPE` families. */
function parse(text: string): { samples: Map<string, number>; families: string[] } {
  const lines = text.split('\n').filter((l) => l !== '');
  const entries = lines.filter((l) => !l.startsWith('#')).map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))] as const);
  return { samples: new Map(entries), families: lines.filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2] as string) };
}

describe('carbon before any grid intensity is known', () => {
  it('leaves the carbon families out (no NaN gauge) while cost is exposed, and exposes carbon once an intensity is read', async () => {
    const ledger = new Ledger({ origin: ORIGIN, windows: [{ label: '1h', seconds: H }] });
    ledger.ingest([samples(descriptor('a'), [[ORIGIN, 0], [ORIGIN + H / 2, JOULES / 2], [ORIGIN + H, JOULES]])]);
    const source = intensitySource();
    const intensity = new SelectorIntensity(source, 'grid_intensity');
    const weights = configuredWeights({ carbon: { intensitySelector: 'grid_intensity', pue: PUE }, cost: { pricePerKwh: PRICE }, timezone: 'UTC' }, intensity);
    const labels = { namespaceLabels: ['namespace'], nodeLabels: ['node'] };

    await intensity.refresh(ORIGIN + H, 2);
    const before = renderWeightedText(buildSnapshot(ledger, labels, weights), 'EUR');
    expect(before).not.toContain('NaN');
    expect(before).not.toContain('carbon');
    const costBefore = parse(before);
    expect(costBefore.families).toEqual(['energy_ledger_namespace_cost', 'energy_ledger_namespace_period_cost']);
    expect(costBefore.samples.get('energy_ledger_namespace_cost{namespace="ns-a",currency="EUR",window="1h"}')).toBeCloseTo((WH * PRICE) / 1000, 12);

    source.series = [{ labels: { __name__: 'grid_intensity' }, timestamps: [ORIGIN + 60, ORIGIN + 120], values: [INTENSITY - 10, INTENSITY + 10] }];
    await intensity.refresh(ORIGIN + H, 2);
    const after = parse(renderWeightedText(buildSnapshot(ledger, labels, weights), 'EUR'));
    expect(after.families).toEqual([
      'energy_ledger_namespace_carbon_grams',
      'energy_ledger_namespace_period_carbon_grams',
      'energy_ledger_namespace_cost',
      'energy_ledger_namespace_period_cost',
    ]);
    expect(after.samples.get('energy_ledger_namespace_carbon_grams{namespace="ns-a",window="1h"}')).toBeCloseTo((WH * INTENSITY * PUE) / 1000, 12);
    expect(after.samples.get('energy_ledger_namespace_period_carbon_grams{namespace="ns-a",period="current_hour"}')).toBeCloseTo((WH * INTENSITY * PUE) / 1000, 12);
  });

  it('renders the finite values of a family and skips its NaN ones', () => {
    const text = renderWeightedText({
      watermark: 2 * H,
      namespaceLabels: ['namespace'],
      nodeLabels: ['node'],
      namespaces: [
        { labels: ['a'], totalJoules: 1, windows: {}, periods: {}, weighted: { carbon_grams: { windows: { '1h': Number.NaN }, periods: { current_hour: 3 } } } },
        { labels: ['b'], totalJoules: 1, windows: {}, periods: {}, weighted: { carbon_grams: { windows: { '1h': Number.NaN }, periods: { current_hour: Number.NaN } } } },
      ],
      nodes: [],
      stats: { samples: 0, rejected: { implausible: 0, out_of_order: 0, malformed: 0 }, resets: 0, series: 0 },
    });
    const { samples: values, families } = parse(text);
    expect(families).toEqual(['energy_ledger_namespace_period_carbon_grams']);
    expect([...values]).toEqual([['energy_ledger_namespace_period_carbon_grams{namespace="a",period="current_hour"}', 3]]);
  });
});
