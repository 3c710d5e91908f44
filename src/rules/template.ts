/**
 * The subset of Prometheus' Go templates the generated annotations use, and a renderer for it, so the
 * generated promtool tests can state the exact annotation text Prometheus will produce.
 */
import type { Labels } from './promql.js';

/** `{{ $labels.name }}` */
export const label = (name: string): string => `{{ $labels.${name} }}`;

/** `{{ printf "%.Nf" $value }}` */
export const value = (decimals: number): string => `{{ printf "%.${decimals}f" $value }}`;

const ACTION = /\{\{\s*(.*?)\s*\}\}/g;
const LABEL = /^\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)$/;
const PRINTF = /^printf "%\.(\d)f" \$value$/;

/**
 * Go's `%.Nf` of `v`. JavaScript's `toFixed` rounds exact ties up where Go rounds them to even, so
 * this refuses values within 1e-6 of a tie (the generated tests pick values away from ties).
 */
export function printfFixed(v: number, decimals: number): string {
  const scaled = Math.abs(v) * 10 ** decimals;
  if (Math.abs(scaled - Math.floor(scaled) - 0.5) < 1e-6) throw new Error(`failed to format ${v} with ${decimals} decimals: too close to a rounding tie`);
  return v.toFixed(decimals);
}

/** Whether `%.Nf` of `v` is unambiguous (not close to a rounding tie). */
export function clearOfTies(v: number, decimals: number): boolean {
  const scaled = Math.abs(v) * 10 ** decimals;
  return Math.abs(scaled - Math.floor(scaled) - 0.5) >= 1e-6;
}

/** Renders a template of the supported subset; a missing label renders empty, like a Go map lookup. */
export function renderTemplate(template: string, labels: Labels, v: number): string {
  return template.replace(ACTION, (_, action: string) => {
    const l = LABEL.exec(action);
    if (l) return labels[l[1] as string] ?? '';
    const p = PRINTF.exec(action);
    if (p) return printfFixed(v, Number(p[1]));
    throw new Error(`failed to render template action {{ ${action} }}: not in the supported subset`);
  });
}
