import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NODE_LABELS, SCHEMA_SPECS, createClassifier, type MetricSpec } from '../../../src/core/schema/index.js';
import { DEFAULT_CLASSIFY_OPTIONS } from '../../../src/core/schema/index.js';

/** What a key must encode: metric, extra grouping label, node, identity slots, zone, mode. */
interface Identity {
  readonly spec: MetricSpec;
  readonly cluster: string;
  readonly node: string;
  readonly slots: readonly string[];
  readonly zone: string | undefined;
  readonly mode: string | undefined;
}

/** Where the identity values sit, and the labels that must not matter. */
interface Placement {
  readonly nodeLabel: number;
  readonly slotLabel: readonly number[];
  readonly noise: Readonly<Record<string, string>>;
}

const NOISE_LABELS = ['state', 'command', 'source', 'job', 'endpoint', 'service', 'container', 'pod', 'namespace', 'gpu_name'];
const SPECS = SCHEMA_SPECS.flatMap((s) => s.metrics);

const HEX_A = 'c0ffee00'.repeat(8);
const HEX_B = 'c0ffee00'.repeat(7) + 'c0ffee01';
/** A small pool, so that random identities often collide or differ in one field only. */
const value = fc.constantFrom('a', 'b', 'a\u0001', '\u0001a', 'a\u0001b', '\u0002', '\u0002\u0001', '\u0003' + 'b', HEX_A, HEX_B, 'd4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f7a');
/** Free-form values for the labels that must not matter. */
const noiseValue = fc.string({ minLength: 1, maxLength: 5, unit: fc.constantFrom('a', 'b', '0', '-', '\u0001', '\u0002', '\u0003') });

const identityOf = (spec: MetricSpec): fc.Arbitrary<Identity> =>
  fc.record({
    spec: fc.constant(spec),
    cluster: fc.oneof(fc.constant(''), value),
    node: value,
    slots: fc.tuple(...spec.identity.map(() => value)),
    zone: spec.zones === undefined ? fc.constant(undefined) : fc.constantFrom(...Object.keys(spec.zones)),
    mode: spec.hasMode === true ? fc.constantFrom('dynamic', 'idle', undefined) : fc.constant(undefined),
  });
const identity: fc.Arbitrary<Identity> = fc.constantFrom(...SPECS).chain(identityOf);

/** The identity with one field redrawn: equal to it, or different in exactly that field. */
const edited = (id: Identity): fc.Arbitrary<Identity> => {
  const fresh = identityOf(id.spec);
  return fc.tuple(fresh, fc.nat(4 + id.slots.length)).map(([f, field]) => {
    if (field === 0) return { ...id, cluster: f.cluster };
    if (field === 1) return { ...id, node: f.node };
    if (field === 2) return { ...id, zone: f.zone };
    if (field === 3) return { ...id, mode: f.mode };
    if (field === 4) return { ...f, slots: id.slots };
    const slots = [...id.slots];
    slots[field - 5] = f.slots[field - 5] as string;
    return { ...id, slots };
  });
};

const placement = (id: Identity): fc.Arbitrary<Placement> =>
  fc.record({
    nodeLabel: fc.nat(NODE_LABELS.length - 1),
    slotLabel: fc.tuple(...id.spec.identity.map((slot) => fc.nat(slot.length - 1))),
    noise: fc.record(Object.fromEntries(NOISE_LABELS.map((l) => [l, noiseValue]))),
  });

/** Labels of a series with this identity: identity values where placed, noise everywhere else. */
function labelsOf(id: Identity, p: Placement): Record<string, string> {
  const labels: Record<string, string> = { ...p.noise, __name__: id.spec.name };
  if (id.cluster !== '') labels['cluster'] = id.cluster;
  labels[NODE_LABELS[p.nodeLabel] as string] = id.node;
  // Lower-priority node labels hold noise (e.g. the target instance next to node_name).
  NODE_LABELS.slice(p.nodeLabel + 1).forEach((l) => (labels[l] = `${p.noise['job']}:9102`));
  id.spec.identity.forEach((slot, i) => {
    const at = p.slotLabel[i] ?? 0;
    labels[slot[at] as string] = id.slots[i] as string;
    slot.slice(at + 1).forEach((l) => (labels[l] = `${p.noise['container']}-other`));
  });
  if (id.zone !== undefined) labels['zone'] = id.zone;
  if (id.mode !== undefined) labels['mode'] = id.mode;
  return labels;
}

const canonical = (id: Identity): string => JSON.stringify([id.spec.name, id.cluster, id.node, id.slots, id.zone ?? '', id.mode ?? '']);
const classify = createClassifier({ ...DEFAULT_CLASSIFY_OPTIONS, groupBy: ['cluster', 'namespace'] });
const keyOf = (id: Identity, p: Placement): string => {
  const d = classify({ labels: labelsOf(id, p), timestamps: [], values: [] });
  if (d === undefined) throw new Error(`out of scope: ${canonical(id)}`);
  return d.key;
};

describe('series keys', () => {
  it('are equal exactly when the identities are equal, across schemas and scopes', () => {
    // Each run draws from one to three metrics, and most identities are one-field edits of a base one.
    const items = fc.uniqueArray(fc.constantFrom(...SPECS), { minLength: 1, maxLength: 3 }).chain((specs) => {
      const drawn = fc.constantFrom(...specs).chain(identityOf);
      return drawn.chain((base) =>
        fc.array(
          fc.oneof(drawn, edited(base), edited(base).chain(edited)).chain((id) => placement(id).map((p) => [id, p] as const)),
          { minLength: 2, maxLength: 40 },
        ),
      );
    });
    fc.assert(
      fc.property(items, (items) => {
        const byKey = new Map<string, string>();
        const byIdentity = new Map<string, string>();
        for (const [id, p] of items) {
          const key = keyOf(id, p);
          const c = canonical(id);
          expect(byKey.get(key) ?? c).toBe(c);
          expect(byIdentity.get(c) ?? key).toBe(key);
          byKey.set(key, c);
          byIdentity.set(c, key);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('do not change with non-identity labels (state, command, source, target labels, label placement)', () => {
    const pair = identity.chain((id) => fc.tuple(fc.constant(id), placement(id), placement(id)));
    fc.assert(
      fc.property(pair, ([id, a, b]) => {
        expect(keyOf(id, a)).toBe(keyOf(id, b));
      }),
      { numRuns: 1000 },
    );
  });

  it('are one-byte strings that hold 64-digit hex ids packed, not verbatim', () => {
    fc.assert(
      fc.property(identity.chain((id) => placement(id).map((p) => [id, p] as const)), ([id, p]) => {
        const key = keyOf(id, p);
        expect([...key].every((c) => c.charCodeAt(0) <= 0xff)).toBe(true);
        for (const v of [id.node, id.cluster, ...id.slots]) if (/^[0-9a-f]{64}$/.test(v)) expect(key).not.toContain(v);
      }),
      { numRuns: 300 },
    );
  });
});
