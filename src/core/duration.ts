/**
 * Prometheus durations (`30s`, `5m`, `1h30m`, `1d`, `1w`, `1y`, `500ms`), as seconds.
 * Same grammar as Prometheus' `model.ParseDuration`: units y w d h m s ms, largest first, each at
 * most once, whole numbers only; a year is 365 days; `0` alone means zero.
 */

/** A text that is not a Prometheus duration, or a number that cannot be formatted as one. */
export class DurationError extends Error {
  override readonly name = 'DurationError';
}

const HINT = '(use 30s, 5m, 1h30m)';

/** Milliseconds per unit, largest first: the only order accepted. */
const UNITS: readonly (readonly [string, number])[] = [
  ['y', 365 * 86_400_000],
  ['w', 7 * 86_400_000],
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

const TOKEN = /(\d+)([a-zA-Z]+)/y;

/** Parses a Prometheus duration into seconds (millisecond resolution). Throws {@link DurationError}. */
export function parseDuration(text: string): number {
  const fail = (detail: string): never => {
    throw new DurationError(`${JSON.stringify(text)} is not a duration${detail === HINT ? ' ' : ': '}${detail}`);
  };
  if (typeof text !== 'string') throw new DurationError(`${String(text)} is not a duration ${HINT}`);
  if (text === '') fail(`it is empty ${HINT}`);
  if (text === '0') return 0;
  if (text.startsWith('-')) fail('negative durations are not allowed');
  if (/^\d*\.\d/.test(text)) fail('use whole numbers (1h30m, not 1.5h)');
  if (/^\d+$/.test(text)) fail(`a unit is missing (e.g. ${text}s)`);

  let ms = 0;
  let next = 0; // index in UNITS of the smallest unit still allowed
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (match === null || match.index !== start) return fail(HINT);
    const [, digits = '', unit = ''] = match;
    const index = UNITS.findIndex(([name]) => name === unit);
    if (index < 0) return fail(`unknown unit "${unit}" (use y, w, d, h, m, s or ms)`);
    if (index < next) return fail('units must go from largest to smallest (y w d h m s ms), each at most once');
    next = index + 1;
    ms += Number(digits) * (UNITS[index]?.[1] ?? 0);
  }
  if (!Number.isSafeInteger(ms)) fail('it is too long');
  return ms / 1000;
}

/**
 * Formats seconds as a canonical Prometheus duration, like Prometheus' `model.Duration.String()`:
 * 5400 → `1h30m`, 0 → `0s`; years and weeks only when they divide the value exactly (90d, not 12w6d).
 * The value is rounded to milliseconds. Throws {@link DurationError} for negative or non-finite input.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new DurationError(`cannot format ${String(seconds)} as a duration: it must be a finite number ≥ 0`);
  }
  let ms = Math.round(seconds * 1000);
  if (!Number.isSafeInteger(ms)) throw new DurationError(`cannot format ${String(seconds)} as a duration: it is too long`);
  if (ms === 0) return '0s';
  let text = '';
  for (const [unit, size] of UNITS) {
    const exactOnly = unit === 'y' || unit === 'w';
    if (exactOnly && ms % size !== 0) continue;
    const count = Math.floor(ms / size);
    if (count > 0) {
      text += `${count}${unit}`;
      ms -= count * size;
    }
  }
  return text;
}
