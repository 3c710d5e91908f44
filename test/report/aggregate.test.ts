import { describe, expect, it } from 'vitest';
import type { HourRow } from '../../src/core/types.js';
import { aggregateHours, fixedBoundaries, topGroups, type ReportRow } from '../../src/report/aggregate.js';
import { formatReport } from '../../src/report/format.js';

const H = 3600;
const row = (hour: number, ns: string, wh: number): HourRow => ({ hourStart: hour * H, labels: [ns], joules: wh * 3600 });

describe('report aggregation', () => {
  it('sums hours into uneven periods given by boundaries, dense over groups', () => {
    const hours = [row(0, 'a', 1), row(1, 'a', 2), row(2, 'b', 4), row(4, 'a', 8)];
    const rows = aggregateHours(hours, [0, 2 * H, 5 * H]);
    expect(rows.map((r) => [r.periodStart / H, r.periodEnd / H, r.labels[0], r.wattHours])).toEqual([
      [0, 2, 'a', 3],
      [0, 2, 'b', 0],
      [2, 5, 'a', 8],
      [2, 5, 'b', 4],
    ]);
  });

  it('makes fixed boundaries with a shorter last period', () => {
    expect(fixedBoundaries(0, 5 * H, 2 * H)).toEqual([0, 2 * H, 4 * H, 5 * H]);
  });

  it('keeps the top N groups by total in rank order and sums the rest as other, per period', () => {
    const hours = [row(0, 'a', 1), row(0, 'b', 5), row(0, 'c', 2), row(0, 'd', 3), row(1, 'a', 10), row(1, 'c', 1)];
    const rows = topGroups(aggregateHours(hours, [0, H, 2 * H]), 2);
    // totals: a 11, b 5, d 3, c 3 → keep a, b; other = c + d
    expect(rows.map((r) => [r.periodStart / H, r.labels[0], r.wattHours])).toEqual([
      [0, 'a', 1],
      [0, 'b', 5],
      [0, 'other', 5],
      [1, 'a', 10],
      [1, 'b', 0],
      [1, 'other', 1],
    ]);
  });

  it('names the rest __other__ when a kept group is itself called other, and blanks the extra labels', () => {
    const rows: ReportRow[] = [
      { periodStart: 0, periodEnd: H, labels: ['other', 'x'], wattHours: 9 },
      { periodStart: 0, periodEnd: H, labels: ['a', 'y'], wattHours: 1 },
      { periodStart: 0, periodEnd: H, labels: ['b', 'z'], wattHours: 2 },
    ];
    expect(topGroups(rows, 1).map((r) => r.labels)).toEqual([['other', 'x'], ['__other__', '']]);
  });

  it('leaves rows alone (in rank order) when there are no more groups than N', () => {
    const rows = topGroups(aggregateHours([row(0, 'a', 1), row(0, 'b', 2)], [0, H]), 5);
    expect(rows.map((r) => r.labels[0])).toEqual(['b', 'a']);
  });

  it('renders a Markdown table with a right-aligned energy column and escaped pipes', () => {
    const text = formatReport([{ periodStart: 0, periodEnd: H, labels: ['a|b'], wattHours: 1.5 }], ['namespace'], 'markdown');
    expect(text).toBe(
      '| period_start | period_end | namespace | energy_wh |\n| --- | --- | --- | ---: |\n| 1970-01-01T00:00:00Z | 1970-01-01T01:00:00Z | a\\|b | 1.5 |\n',
    );
  });
});
