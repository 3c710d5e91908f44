import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LATENESS_MARGIN, ReReadPolicy } from '../../../src/core/reread/reread-policy.js';

describe('ReReadPolicy', () => {
  it('re-reads the whole overlap until a scrape interval is known, then twice the worst lateness, at least one scrape interval', () => {
    const policy = new ReReadPolicy({ maxSeconds: 300, adaptive: true, widePolls: 4 });
    expect(policy.plan()).toEqual({ seconds: 300, wide: true });
    policy.record({ worstLateness: 0, scrapeInterval: 30 }, true); // the backfill
    expect(policy.plan()).toEqual({ seconds: 30, wide: false });
    policy.record({ worstLateness: 40, scrapeInterval: undefined }, false);
    expect(policy.plan()).toEqual({ seconds: 80, wide: false });
    policy.record({ worstLateness: 500, scrapeInterval: undefined }, false);
    // Never more than the overlap.
    expect(policy.plan()).toEqual({ seconds: 300, wide: false });
    policy.record({ worstLateness: 0, scrapeInterval: undefined }, false);
    // The fourth poll after a wide one is a wide one again.
    expect(policy.plan()).toEqual({ seconds: 300, wide: true });
    policy.record({ worstLateness: 0, scrapeInterval: 30 }, true);
    expect(policy.regularSeconds).toBe(300);
  });

  it('forgets lateness older than widePolls polls', () => {
    const policy = new ReReadPolicy({ maxSeconds: 300, adaptive: true, widePolls: 3 });
    policy.record({ worstLateness: 0, scrapeInterval: 15 }, true);
    policy.record({ worstLateness: 60, scrapeInterval: undefined }, false);
    expect(policy.regularSeconds).toBe(120);
    policy.record({ worstLateness: 1, scrapeInterval: undefined }, false);
    policy.record({ worstLateness: 1, scrapeInterval: 15 }, true);
    policy.record({ worstLateness: 1, scrapeInterval: undefined }, false);
    expect(policy.regularSeconds).toBe(15);
  });

  it('with adaptive off re-reads the whole overlap every time', () => {
    const policy = new ReReadPolicy({ maxSeconds: 300, adaptive: false, widePolls: 3 });
    policy.record({ worstLateness: 0, scrapeInterval: 15 }, true);
    for (let i = 0; i < 5; i++) {
      expect(policy.plan()).toEqual({ seconds: 300, wide: false });
      policy.record({ worstLateness: 0, scrapeInterval: undefined }, false);
    }
  });

  it('property: the window is within [scrape interval, overlap] and covers the margin times every recent lateness', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.record({ late: fc.double({ min: 0, max: 1000, noNaN: true }) }), { maxLength: 40 }),
        (max, widePolls, polls) => {
          const policy = new ReReadPolicy({ maxSeconds: max, adaptive: true, widePolls });
          policy.record({ worstLateness: 0, scrapeInterval: 30 }, true);
          let sinceWide = 0;
          polls.forEach(({ late }, i) => {
            const plan = policy.plan();
            expect(plan.seconds).toBeLessThanOrEqual(max);
            expect(plan.seconds).toBeGreaterThanOrEqual(Math.min(30, max));
            expect(plan.wide).toBe(sinceWide + 1 >= widePolls);
            const recent = polls.slice(Math.max(0, i - widePolls + 1), i).map((p) => p.late);
            const window = policy.regularSeconds;
            for (const l of [...recent]) expect(window).toBeGreaterThanOrEqual(Math.min(max, LATENESS_MARGIN * l));
            policy.record({ worstLateness: late, scrapeInterval: undefined }, plan.wide);
            sinceWide = plan.wide ? 0 : sinceWide + 1;
          });
        },
      ),
    );
  });
});
