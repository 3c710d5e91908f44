/** A PromQL label matcher. */
export interface LabelMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/** A user selector that is not of the form `{a="b", c=~"d"}`. */
export class SelectorError extends Error {
  constructor(
    readonly selector: string,
    readonly detail: string,
  ) {
    super(`invalid selector '${selector}': ${detail}`);
    this.name = 'SelectorError';
  }
}

const NAME_START = /[a-zA-Z_]/;
const NAME_CHAR = /[a-zA-Z0-9_]/;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'",
};
const HEX_LENGTHS: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/**
 * Parses a user selector such as `{cluster="prod-eu", env=~"prod|staging"}` into matchers.
 * Values are PromQL strings: double or single quotes with Go escapes, or backticks (raw).
 * An empty or blank string means "no extra matchers". Throws `SelectorError` otherwise.
 */
export function parseSelector(selector: string): LabelMatcher[] {
  const s = selector;
  let i = 0;
  const fail = (detail: string): never => {
    throw new SelectorError(selector, `${detail} at position ${i}`);
  };
  const skipSpace = (): void => {
    while (i < s.length && /\s/.test(s[i] as string)) i++;
  };
  skipSpace();
  if (i === s.length) return [];
  if (s[i] !== '{') fail("expected '{'");
  i++;
  const matchers: LabelMatcher[] = [];
  for (;;) {
    skipSpace();
    if (s[i] === '}') break;
    const name = readName(s, i) ?? fail('expected a label name');
    i += name.length;
    if (name === '__name__') fail('the metric name cannot be matched, only labels');
    skipSpace();
    const op = (['=~', '!~', '!=', '='] as const).find((o) => s.startsWith(o, i)) ?? fail(`expected =, !=, =~ or !~ after '${name}'`);
    i += op.length;
    skipSpace();
    const [value, end] = readString(s, i, fail);
    i = end;
    matchers.push({ name, op, value });
    skipSpace();
    if (s[i] === ',') {
      i++;
      continue;
    }
    if (s[i] !== '}') fail("expected ',' or '}'");
    break;
  }
  i++;
  skipSpace();
  if (i !== s.length) fail("unexpected text after '}'");
  return matchers;
}

function readName(s: string, start: number): string | undefined {
  if (start >= s.length || !NAME_START.test(s[start] as string)) return undefined;
  let end = start + 1;
  while (end < s.length && NAME_CHAR.test(s[end] as string)) end++;
  return s.slice(start, end);
}

function readString(s: string, start: number, fail: (detail: string) => never): [string, number] {
  const quote = s[start];
  if (quote !== '"' && quote !== "'" && quote !== '`') return fail('expected a quoted value');
  let i = start + 1;
  if (quote === '`') {
    const end = s.indexOf('`', i);
    if (end < 0) fail('unterminated string');
    return [s.slice(i, end), end + 1];
  }
  let out = '';
  while (i < s.length && s[i] !== quote) {
    const c = s[i] as string;
    if (c === '\n') fail('newline in string');
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = s[i + 1] ?? '';
    const simple = SIMPLE_ESCAPES[e];
    const hex = HEX_LENGTHS[e];
    if (simple !== undefined) {
      out += simple;
      i += 2;
    } else if (hex !== undefined) {
      const digits = s.slice(i + 2, i + 2 + hex);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hex) fail(`bad \\${e} escape`);
      out += String.fromCodePoint(parseInt(digits, 16));
      i += 2 + hex;
    } else {
      fail(`unknown escape sequence '\\${e}' (write '\\\\${e}' for a regex backslash)`);
    }
  }
  if (i >= s.length) fail('unterminated string');
  return [out, i + 1];
}

/** The problem with a user selector, or undefined when it is valid (for the config layer). */
export function selectorProblem(selector: string): string | undefined {
  try {
    parseSelector(selector);
    return undefined;
  } catch (err) {
    if (err instanceof SelectorError) return err.message;
    throw err;
  }
}

/** Renders a matcher as PromQL, escaping the value. */
export function formatMatcher(m: LabelMatcher): string {
  return `${m.name}${m.op}${quote(m.value)}`;
}

/** A PromQL double-quoted string literal. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

const REGEX_META = /[\\^$.|?*+()[\]{}]/g;

/** `value` as an RE2 regex that matches exactly it (for `=~` alternatives). */
export const escapeRegex = (value: string): string => value.replace(REGEX_META, '\\$&');
