/** Small PromQL text builders shared by the rule and test generators. */
import { formatDuration } from '../core/duration.js';
import { formatMatcher, parseSelector, quote, type LabelMatcher } from '../core/schema/index.js';

export type Labels = Readonly<Record<string, string>>;

/** A duration as Prometheus writes it: 300 → `5m`, 86400 → `1d`. */
export const dur = (seconds: number): string => formatDuration(seconds);

/** A number as a PromQL literal. */
export const num = (value: number): string => String(value);

/** `metric{m1,m2}` from matchers (no braces when there are none). */
export function selectorOf(metric: string, matchers: readonly (LabelMatcher | string)[]): string {
  const parts = matchers.map((m) => (typeof m === 'string' ? m : formatMatcher(m)));
  return parts.length === 0 ? metric : `${metric}{${parts.join(', ')}}`;
}

/** The matchers of a user selector such as `{job="energy-ledger"}`. */
export const matchersOf = (selector: string): LabelMatcher[] => parseSelector(selector);

/** `name{a="b", …}` (or `{…}` without a name) as promtool test files write series. */
export function seriesText(name: string, labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${quote(v)}`);
  return `${name}{${parts.join(', ')}}`;
}

/** `label="value"`. */
export const eq = (label: string, value: string): string => `${label}=${quote(value)}`;

/** Record names follow `level:metric:operations`; the metric drops `_total` (prometheus/docs practices/rules.md). */
export function recordName(level: string, metric: string, operations: string): string {
  return `${level}:${metric.replace(/_total$/, '')}:${operations}`;
}

/**
 * Labels that satisfy every matcher, for test input series: `=` sets the value; `=~` uses the first
 * alternative of the regex if that alternative is a plain string the regex matches; negative matchers
 * are satisfied by leaving the label out (or by `x` when the empty value is excluded).
 */
export function labelsMatching(matchers: readonly LabelMatcher[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of matchers) {
    const full = (v: string): boolean => new RegExp(`^(?:${m.value})$`).test(v);
    if (m.op === '=') out[m.name] = m.value;
    else if (m.op === '=~') {
      const candidate = m.value.split('|')[0] ?? '';
      if (!/^[\w.:/-]*$/.test(candidate) || !full(candidate)) {
        throw new Error(`failed to build test series for matcher ${formatMatcher(m)}: use = or a regex whose first alternative is a plain value`);
      }
      out[m.name] = candidate;
    } else if ((m.op === '!=' && m.value === '') || (m.op === '!~' && full(''))) {
      out[m.name] = m.op === '!~' && full('x') ? 'x1' : 'x';
    }
  }
  return out;
}
