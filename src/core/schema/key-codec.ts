/**
 * Injective encoding of label values into keys: series keys and group keys. Fields are joined with
 * `\u0001`; a raw value containing one of the control characters `\u0001`–`\u0004` has it prefixed
 * with `\u0002`, so two different lists of values never share a key.
 * In series keys long ids are packed losslessly to keep keys short (keys are held per series):
 * a 64-digit lowercase hex container id becomes `\u0003` + 43 base64url characters, and a
 * lowercase UUID becomes `\u0004` + 22. Every key stays a one-byte (Latin-1) string.
 * Group keys are not packed: groups are sorted by key, and so they sort by their label values.
 */
export const KEY_SEP = '\u0001';
const ESC = '\u0002';
const HEX64 = '\u0003';
const UUID = '\u0004';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * base64url (no padding) of the bytes of lowercase hex digits, in one pass; with `uuid`, dashes
 * must sit at UUID positions and are skipped. Undefined when `v` has another shape.
 */
function packHex(v: string, uuid: boolean): string | undefined {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (uuid && (i === 8 || i === 13 || i === 18 || i === 23)) {
      if (c !== 45) return undefined;
      continue;
    }
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return undefined;
    acc = (acc << 4) | d;
    bits += 4;
    if (bits >= 6) {
      bits -= 6;
      out += B64[(acc >> bits) & 63];
      acc &= (1 << bits) - 1;
    }
  }
  if (bits > 0) out += B64[(acc << (6 - bits)) & 63];
  return out;
}

function hasControl(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 1 && c <= 4) return true;
  }
  return false;
}

/** Encodes one label value as a series key field. */
export function encodeKeyField(v: string): string {
  if (v.length === 64) {
    const packed = packHex(v, false);
    if (packed !== undefined) return HEX64 + packed;
  } else if (v.length === 36) {
    const packed = packHex(v, true);
    if (packed !== undefined) return UUID + packed;
  }
  return escapeField(v);
}

/** The key of a group from its label values (see the header: escaped, not packed). */
export function groupKeyOf(labels: readonly string[]): string {
  let key = '';
  for (let i = 0; i < labels.length; i++) key += (i === 0 ? '' : KEY_SEP) + escapeField(labels[i]!);
  return key;
}

/** `v` with each control character `\u0001`–`\u0004` prefixed with `\u0002`. */
function escapeField(v: string): string {
  if (!hasControl(v)) return v;
  let out = '';
  for (const ch of v) {
    const c = ch.charCodeAt(0);
    out += c >= 1 && c <= 4 ? ESC + ch : ch;
  }
  return out;
}
