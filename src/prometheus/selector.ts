/**
 * Adds label matchers (e.g. `cluster="prod"` or `{cluster="prod"}`) to a PromQL series selector:
 * `m{a="1"}` + `b="2"` → `m{a="1",b="2"}`; `m` + `b="2"` → `m{b="2"}`.
 */
export function addMatchers(selector: string, matchers: string): string {
  const inner = stripBraces(matchers);
  if (inner === '') return selector;
  const trimmed = selector.trim();
  if (!trimmed.endsWith('}')) return `${trimmed}{${inner}}`;
  const body = trimmed.slice(0, -1).trimEnd();
  return body.endsWith('{') || body.endsWith(',') ? `${body}${inner}}` : `${body},${inner}}`;
}

/** `selector[<ms>ms]`: a range selector covering `seconds` (millisecond precision). */
export function rangeSelector(selector: string, seconds: number): string {
  return `${selector}[${Math.round(seconds * 1000)}ms]`;
}

/** `count by (__name__) ({__name__=~"a|b"})`: which of these metric names have series now. */
export function presentNamesQuery(names: readonly string[], extraMatchers = ''): string {
  const alternatives = names.map(escapeRegex).join('|');
  return `count by (__name__) (${addMatchers(`{__name__=~${JSON.stringify(alternatives)}}`, extraMatchers)})`;
}

function stripBraces(matchers: string): string {
  const trimmed = matchers.trim();
  return trimmed.startsWith('{') && trimmed.endsWith('}') ? trimmed.slice(1, -1).trim() : trimmed;
}

function escapeRegex(text: string): string {
  return text.replace(/[\\.^$|?*+()[\]{}]/g, '\\$&');
}
