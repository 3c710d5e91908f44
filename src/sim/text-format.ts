import { escapeLabelValue, formatValue as formatShortest } from '../exposition/text-format.js';
import type { Labels } from './families.js';

/**
 * Formats a sample value like Go's `strconv.FormatFloat(v, 'g', -1, 64)` as client_golang prints it:
 * the service's own format (`+Inf`, `-Inf`, `NaN`, shortest digits) but with Go's exponent form
 * below 1e-4 and from 1e21 up (`1e-05`, `1e+21`), as Kepler's exposition shows them.
 */
export function formatGoFloat(value: number): string {
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || (abs >= 1e21 && abs !== Infinity))) {
    return value.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return formatShortest(value);
}

/** `{a="x",b="y"}` with label names sorted; empty string when there are no labels. */
export function renderLabels(labels: Labels): string {
  const names = Object.keys(labels).sort();
  if (names.length === 0) return '';
  return `{${names.map((n) => `${n}="${escapeLabelValue(labels[n]!)}"`).join(',')}}`;
}
