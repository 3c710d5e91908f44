import { parseSelector, type LabelMatcher } from '../core/schema/selector.js';
import type { Labels } from './families.js';

/** Splits `metric{a="b"}` into the metric name and its matchers (the metric name is required). */
export function parseSeriesSelector(selector: string): { metric: string; matchers: LabelMatcher[] } {
  const trimmed = selector.trim();
  const brace = trimmed.indexOf('{');
  const metric = (brace < 0 ? trimmed : trimmed.slice(0, brace)).trim();
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(metric)) {
    throw new Error(`failed to parse selector ${JSON.stringify(selector)}: the simulator needs a metric name`);
  }
  return { metric, matchers: brace < 0 ? [] : parseSelector(trimmed.slice(brace)) };
}

/** A predicate over labels for PromQL matchers (a missing label matches as ""; regexes are anchored). */
export function compileMatchers(matchers: readonly LabelMatcher[]): (labels: Labels) => boolean {
  const tests = matchers.map((m): ((labels: Labels) => boolean) => {
    const value = (labels: Labels): string => labels[m.name] ?? '';
    if (m.op === '=') return (l) => value(l) === m.value;
    if (m.op === '!=') return (l) => value(l) !== m.value;
    const re = new RegExp(`^(?:${m.value})$`);
    return m.op === '=~' ? (l) => re.test(value(l)) : (l) => !re.test(value(l));
  });
  return (labels) => tests.every((t) => t(labels));
}
