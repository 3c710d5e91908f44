import type { SchemaId, Scope } from '../types.js';
import { schemaSpec, type MetricSpec } from './catalogue.js';
import type { ClassifyOptions } from './classify.js';
import { escapeRegex, formatMatcher, parseSelector, quote } from './selector.js';
import { resolveZones } from './zones.js';

/** One metric to fetch for a schema: `metric{matchers}`. */
export interface QuerySpec {
  readonly schema: SchemaId;
  readonly scope: Scope;
  readonly metric: string;
  /** PromQL matchers without braces, e.g. `zone=~"package|dram"`; `''` when none. */
  readonly matchers: string;
  /**
   * Set on the power gauge read alongside a counter that drops on process exit: the counter's name.
   * Its series are matched to the counter's by identity (see `process-exit.ts`).
   */
  readonly powerFor?: string;
}

/** `label!="a"` for one value, `label!~"a|b"` for several (values regex-escaped). */
function noneOf(label: string, values: readonly string[]): string {
  if (values.length === 1) return `${label}!=${quote(values[0] as string)}`;
  return `${label}!~${quote(values.map(escapeRegex).join('|'))}`;
}

type QueryOptions = Pick<ClassifyOptions, 'components' | 'modes' | 'zones'>;

function matchersFor(spec: MetricSpec, options: QueryOptions): string | undefined {
  const parts: string[] = [];
  if (spec.zones !== undefined) {
    // Every zone but the ones known not to count: unknown zones (hwmon's `cpu_power`) are read so
    // that they can be reported, never silently lost.
    const map = Object.entries(resolveZones(options.zones));
    const counted = map.filter(([, c]) => c !== 'ignore' && options.components.includes(c));
    if (counted.length === 0) return undefined;
    const skipped = map.filter(([, c]) => c === 'ignore' || !options.components.includes(c)).map(([z]) => z);
    if (skipped.length > 0) parts.push(noneOf('zone', skipped.sort()));
  } else if (spec.component === undefined || !options.components.includes(spec.component)) {
    return undefined;
  }
  if (spec.hasMode === true) {
    // The empty alternative keeps v0.4–v0.4.1 series, which have no `mode` label.
    parts.push(`mode=~${quote([...options.modes.map(escapeRegex), ''].join('|'))}`);
  }
  return parts.join(',');
}

/** The metrics to fetch for a schema, both scopes, restricted to the selected components and modes. */
export function queriesFor(schema: SchemaId, options: QueryOptions): QuerySpec[] {
  const out: QuerySpec[] = [];
  for (const spec of schemaSpec(schema).metrics) {
    const matchers = matchersFor(spec, options);
    if (matchers === undefined) continue;
    out.push({ schema, scope: spec.scope, metric: spec.name, matchers });
    if (spec.powerMetric !== undefined) out.push({ schema, scope: spec.scope, metric: spec.powerMetric, matchers, powerFor: spec.name });
  }
  return out;
}

/**
 * A PromQL series selector for a query, e.g. `kepler_pod_cpu_joules_total{zone=~"package|dram"}`,
 * with the matchers of a user selector such as `{cluster="prod-eu"}` appended.
 * Throws `SelectorError` when the user selector is invalid.
 */
export function buildSelector(spec: QuerySpec, extraSelector?: string): string {
  const parts: string[] = [];
  if (spec.matchers !== '') parts.push(spec.matchers);
  if (extraSelector !== undefined) parts.push(...parseSelector(extraSelector).map(formatMatcher));
  return parts.length === 0 ? spec.metric : `${spec.metric}{${parts.join(',')}}`;
}
