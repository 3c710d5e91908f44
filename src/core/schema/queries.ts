import type { SchemaId, Scope } from '../types.js';
import { schemaSpec, type MetricSpec } from './catalogue.js';
import type { ClassifyOptions } from './classify.js';
import { formatMatcher, parseSelector, quote } from './selector.js';

/** One metric to fetch for a schema: `metric{matchers}`. */
export interface QuerySpec {
  readonly schema: SchemaId;
  readonly scope: Scope;
  readonly metric: string;
  /** PromQL matchers without braces, e.g. `zone=~"package|dram"`; `''` when none. */
  readonly matchers: string;
}

const REGEX_META = /[\\^$.|?*+()[\]{}]/g;
const escapeRegex = (v: string): string => v.replace(REGEX_META, '\\$&');

/** `label="a"` for one value, `label=~"a|b"` for several (values regex-escaped). */
function anyOf(label: string, values: readonly string[]): string {
  if (values.length === 1) return `${label}=${quote(values[0] as string)}`;
  return `${label}=~${quote(values.map(escapeRegex).join('|'))}`;
}

function matchersFor(spec: MetricSpec, options: Pick<ClassifyOptions, 'components' | 'modes'>): string | undefined {
  const parts: string[] = [];
  if (spec.zones !== undefined) {
    const zones = Object.entries(spec.zones)
      .filter(([, c]) => options.components.includes(c))
      .map(([z]) => z);
    if (zones.length === 0) return undefined;
    parts.push(anyOf('zone', zones));
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
export function queriesFor(schema: SchemaId, options: Pick<ClassifyOptions, 'components' | 'modes'>): QuerySpec[] {
  const out: QuerySpec[] = [];
  for (const spec of schemaSpec(schema).metrics) {
    const matchers = matchersFor(spec, options);
    if (matchers !== undefined) out.push({ schema, scope: spec.scope, metric: spec.name, matchers });
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
