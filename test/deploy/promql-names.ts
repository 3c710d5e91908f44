/**
 * Metric names used by a PromQL expression (Grafana variables allowed), found by a small tokenizer:
 * strings, label matchers, durations, grouping clauses and function calls are dropped; what is left
 * are metric names. Enough for dashboards; not a PromQL parser (promtool checks the syntax).
 */

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'atan2', 'inf', 'nan']);

/** Metric names in `expr`. */
export function metricNames(expr: string): string[] {
  const labelValues = /^\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(expr);
  if (labelValues?.[1] !== undefined) return [labelValues[1]];
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // string literals
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range and subquery durations
    .replace(/\$\{?[a-zA-Z_][a-zA-Z0-9_]*\}?/g, ' ') // Grafana variables
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // grouping labels
    .replace(/\boffset\s+-?[0-9a-z]+/g, ' '); // offsets
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*(\s*\()?/g)) {
    const [whole, name] = [match[0], match[0].replace(/\s*\($/, '')];
    if (whole.endsWith('(') || KEYWORDS.has(name.toLowerCase())) continue; // a function call or a keyword
    const before = stripped[(match.index ?? 0) - 1];
    if (before !== undefined && /[0-9.]/.test(before)) continue; // the unit of a number like 1e3 or 5m
    names.add(name);
  }
  return [...names];
}

/** Histogram families are queried through their _bucket, _sum and _count series. */
export function seriesOf(family: { name: string; type: string }): string[] {
  return family.type === 'histogram' ? [`${family.name}_bucket`, `${family.name}_sum`, `${family.name}_count`] : [family.name];
}
