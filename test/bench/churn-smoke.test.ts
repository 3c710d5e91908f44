import { describe, expect, it } from 'vitest';
import { runChurn } from '../../bench/churn.js';

describe('churn bench at a tiny size', () => {
  it('runs day by day, holding the steady namespaces and the month’s CI namespaces, and relabels them into one', () => {
    const days = runChurn({ days: 3, perDay: 40, collect: false });
    expect(days.map((d) => d.day)).toEqual([1, 2, 3]);
    // 200 steady namespaces plus every CI namespace of the month so far (15–17 January).
    expect(days.map((d) => d.groups)).toEqual([240, 280, 320]);
    expect(days.every((d) => d.published === d.groups && d.peakHeapMiB >= d.ingestPeakMiB)).toBe(true);
    const relabeled = runChurn({ days: 2, perDay: 40, relabel: true, collect: false });
    expect(relabeled.map((d) => d.groups)).toEqual([201, 201]);
  });
});
