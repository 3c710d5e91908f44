import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BucketRing } from '../../../src/core/ledger/group-account.js';

type Op = { kind: 'add'; k: number; v: number } | { kind: 'compact' } | { kind: 'release'; k: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('add' as const), k: fc.integer({ min: 1000, max: 1100 }), v: fc.integer({ min: 1, max: 1e9 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'compact' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), k: fc.integer({ min: 1000, max: 1110 }) }) },
);

describe('BucketRing compact form', () => {
  it('reads exactly as a ring that is never compacted, whatever the writes, compactions and releases (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 40 }), fc.array(opArb, { maxLength: 80 }), (size, ops) => {
        const ring = new BucketRing(size);
        const dense = new BucketRing(size);
        for (const op of ops) {
          if (op.kind === 'add') {
            ring.add(op.k, op.v);
            dense.add(op.k, op.v);
          } else if (op.kind === 'compact') {
            ring.compact();
          } else {
            ring.releaseBefore(op.k);
            dense.releaseBefore(op.k);
          }
          expect(ring.empty).toBe(dense.empty);
          for (let k = 990; k <= 1110; k++) expect(ring.get(k)).toBe(dense.get(k));
          expect(ring.sum(995, 1105)).toBe(dense.sum(995, 1105));
          expect(ring.sum(1050, 1060)).toBe(dense.sum(1050, 1060));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps only the non-zero buckets of a sparse ring, stays dense when a quarter or more is used, and expands on a write', () => {
    const ring = new BucketRing(100);
    ring.add(5000, 7);
    ring.add(5003, 9);
    ring.compact();
    expect(ring.compacted).toBe(true);
    expect([ring.get(5000), ring.get(5001), ring.get(5003), ring.sum(4900, 5100)]).toEqual([7, 0, 9, 16]);
    ring.add(5004, 1);
    expect(ring.compacted).toBe(false);
    expect(ring.sum(4900, 5100)).toBe(17);
    const full = new BucketRing(8);
    for (let k = 0; k < 8; k++) full.add(100 + k, 1);
    full.compact();
    expect(full.compacted).toBe(false);
  });
});
