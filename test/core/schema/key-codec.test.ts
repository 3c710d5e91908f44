import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KEY_SEP, encodeKeyField, groupKeyOf } from '../../../src/core/schema/key-codec.js';

const hex64 = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee01';
const uuid = 'd4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f7a';

describe('encodeKeyField', () => {
  it('packs a 64-digit hex container id into base64url behind a marker', () => {
    expect(encodeKeyField(hex64)).toBe('\u0003' + Buffer.from(hex64, 'hex').toString('base64url'));
    expect(encodeKeyField(hex64)).toHaveLength(44);
  });

  it('packs a lowercase UUID into base64url behind another marker', () => {
    expect(encodeKeyField(uuid)).toBe('\u0004' + Buffer.from(uuid.replace(/-/g, ''), 'hex').toString('base64url'));
    expect(encodeKeyField(uuid)).toHaveLength(23);
  });

  it('packs any hex id and UUID exactly like base64url of its bytes', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{64}$/), fc.uuid().map((u) => u.toLowerCase()), (hex, id) => {
        expect(encodeKeyField(hex)).toBe('\u0003' + Buffer.from(hex, 'hex').toString('base64url'));
        expect(encodeKeyField(id)).toBe('\u0004' + Buffer.from(id.replace(/-/g, ''), 'hex').toString('base64url'));
      }),
      { numRuns: 500 },
    );
  });

  it.each(['system_processes', 'worker-1', '', hex64.toUpperCase(), hex64.slice(1), uuid.replace(/-/g, ''), uuid.replace('-', '_'), uuid.toUpperCase()])(
    'leaves the plain value %j as it is',
    (v) => {
      expect(encodeKeyField(v)).toBe(v);
    },
  );

  it('escapes the separator and the markers inside raw values', () => {
    expect(encodeKeyField(`a${KEY_SEP}b`)).toBe('a\u0002\u0001b');
    expect(encodeKeyField('\u0003x\u0004\u0002')).toBe('\u0002\u0003x\u0002\u0004\u0002\u0002');
  });

  it('is injective, also when fields are joined with the separator', () => {
    const unit = fc.constantFrom('a', '0', 'f', '-', '\u0001', '\u0002', '\u0003', '\u0004');
    const value = fc.oneof(
      fc.string({ maxLength: 6, unit }),
      fc.stringMatching(/^[0-9a-f]{64}$/),
      fc.uuid().map((u) => u.toLowerCase()),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 3 }), fc.array(value, { maxLength: 3 }), (a, b) => {
        fc.pre(a.length === b.length);
        const ka = a.map(encodeKeyField).join(KEY_SEP);
        const kb = b.map(encodeKeyField).join(KEY_SEP);
        expect(ka === kb).toBe(JSON.stringify(a) === JSON.stringify(b));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('groupKeyOf', () => {
  it('gives different keys to label lists that a plain join would give the same key', () => {
    const a = ['a\u0001b', 'c'];
    const b = ['a', 'b\u0001c'];
    expect(a.join(KEY_SEP)).toBe(b.join(KEY_SEP));
    expect(groupKeyOf(a)).not.toBe(groupKeyOf(b));
  });

  it('is the plain join for values without control characters, ids included (groups sort by key)', () => {
    expect(groupKeyOf(['team-a', hex64, uuid])).toBe(['team-a', hex64, uuid].join(KEY_SEP));
  });

  it('is injective over lists of the same length', () => {
    const value = fc.string({ maxLength: 6, unit: fc.constantFrom('a', '-', '\u0001', '\u0002', '\u0003', '\u0004') });
    fc.assert(
      fc.property(fc.array(value, { minLength: 2, maxLength: 2 }), fc.array(value, { minLength: 2, maxLength: 2 }), (a, b) => {
        expect(groupKeyOf(a) === groupKeyOf(b)).toBe(JSON.stringify(a) === JSON.stringify(b));
      }),
      { numRuns: 2000 },
    );
  });
});
