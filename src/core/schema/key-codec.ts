/**
 * Injective encoding of label values into series keys. Fields are joined with `\u0001`; a raw
 * value containing one of the control characters `\u0001`–`\u0004` has it prefixed with `\u0002`.
 * Long ids are packed losslessly to keep keys short (keys are held per series):
 * a 64-digit lowercase hex container id becomes `\u0003` + 43 base64url characters, and a
 * lowercase UUID becomes `\u0004` + 22. Every key stays a one-byte (Latin-1) string.
 */
export const KEY_SEP = '\u0001';
const ESC = '\u0002';
const HEX64 = '\u0003';
const UUID = '\u0004';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const IS_HEX64 = /^[0-9a-f]{64}$/;
const IS_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** base64url (no padding) of the bytes of an even-length hex string. */
function hexToBase64(hex: string): string {
  let out = '';
  for (let i = 0; i < hex.length; i += 6) {
    const chunk = hex.slice(i, i + 6);
    const bits = chunk.length * 4;
    const n = parseInt(chunk, 16) * 2 ** (24 - bits);
    const chars = Math.ceil(bits / 6);
    for (let c = 0; c < chars; c++) out += B64[Math.floor(n / 2 ** (18 - 6 * c)) % 64];
  }
  return out;
}

function hasControl(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 1 && c <= 4) return true;
  }
  return false;
}

/** Encodes one label value as a key field. */
export function encodeKeyField(v: string): string {
  if (v.length === 64 && IS_HEX64.test(v)) return HEX64 + hexToBase64(v);
  if (v.length === 36 && IS_UUID.test(v)) return UUID + hexToBase64(v.replace(/-/g, ''));
  if (!hasControl(v)) return v;
  let out = '';
  for (const ch of v) {
    const c = ch.charCodeAt(0);
    out += c >= 1 && c <= 4 ? ESC + ch : ch;
  }
  return out;
}
