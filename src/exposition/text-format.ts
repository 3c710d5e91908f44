/**
 * Helpers for the Prometheus text format 0.0.4: escaping, number formatting, HELP/TYPE headers.
 * Used to render the ledger part of `/metrics` without prom-client's per-series overhead.
 */
import type { ExposedMetric } from './names.js';

/** The content type of `/metrics`. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const LABEL_SPECIALS = /[\\"\n]/;
const HELP_SPECIALS = /[\\\n]/;

/** Escapes a label value: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  if (!LABEL_SPECIALS.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Escapes a HELP text: backslash and line feed. */
export function escapeHelp(help: string): string {
  if (!HELP_SPECIALS.test(help)) return help;
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Formats a sample value as Go's ParseFloat reads it (`+Inf`, `-Inf`, `NaN`). */
export function formatValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}

/** `name="value"` pairs joined by commas, without braces. */
export function formatLabelPairs(names: readonly string[], values: readonly string[]): string {
  let out = '';
  for (let i = 0; i < names.length; i++) {
    if (i > 0) out += ',';
    out += `${names[i]}="${escapeLabelValue(values[i] ?? '')}"`;
  }
  return out;
}

/** The `# HELP` and `# TYPE` lines of a family. */
export function familyHeader(spec: ExposedMetric): string {
  return `# HELP ${spec.name} ${escapeHelp(spec.help)}\n# TYPE ${spec.name} ${spec.type}\n`;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** True if `name` is a valid label name that is not reserved (`__…`). */
export function isValidLabelName(name: string): boolean {
  return LABEL_NAME.test(name) && !name.startsWith('__');
}
