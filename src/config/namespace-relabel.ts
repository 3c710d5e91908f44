/**
 * `namespace_relabel:` — an ordered list of `{regex, replacement}` that rewrites workload namespaces
 * before accounting (see `core/schema/namespace-relabel.ts` for the semantics). Invalid regexes are
 * reported at `namespace_relabel[i].regex`.
 */
import { z } from 'zod';
import { compileNamespaceRelabel, regexProblem } from '../core/schema/namespace-relabel.js';
import { expected } from './fields.js';

/** Prometheus' default replacement: the first group. */
const DEFAULT_RELABEL_REPLACEMENT = '$1';

const regex = z.string({ error: expected('a regular expression (anchored at both ends, as in Prometheus)') }).superRefine((text, ctx) => {
  const problem = text === '' ? 'must not be empty' : regexProblem(text);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: text });
});

const replacement = z.string({ error: expected('the new namespace, e.g. ci or team-$1') }).superRefine((text, ctx) => {
  if (text === '') ctx.addIssue({ code: 'custom', message: 'must not be empty', input: text });
  else if (text.startsWith('__')) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is reserved (names starting with __, such as __other__ and __unattributed__, are the service's own)`, input: text });
  }
});

const rule = z.strictObject(
  { regex, replacement: replacement.prefault(DEFAULT_RELABEL_REPLACEMENT) },
  { error: (issue) => (issue.code === 'invalid_type' ? expected('a mapping with regex and replacement')(issue) : undefined) },
);

/** The `namespace_relabel` list; the first rule that matches a namespace rewrites it. */
export const namespaceRelabelSchema = z.array(rule, { error: expected('a list of {regex, replacement} rules') });

type Raw = Readonly<Record<string, unknown>>;
const mappingOf = (value: unknown): Raw => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : {});

/**
 * Budgets and per-namespace alert thresholds name namespaces as published, that is after relabeling:
 * a key that `namespace_relabel` rewrites to another name can never match. Reports each such key
 * (rules with an invalid regex are skipped; they are reported on their own).
 */
export function unreachableNamespaceKeys(raw: Raw): { path: (string | number)[]; message: string }[] {
  const list = Array.isArray(raw.namespace_relabel) ? (raw.namespace_relabel as unknown[]) : [];
  const rules = list
    .map(mappingOf)
    .filter((r) => typeof r.regex === 'string' && r.regex !== '' && regexProblem(r.regex) === undefined)
    .map((r) => ({ regex: r.regex as string, replacement: typeof r.replacement === 'string' ? r.replacement : DEFAULT_RELABEL_REPLACEMENT }));
  if (rules.length === 0) return [];
  const relabel = compileNamespaceRelabel(rules);
  const keyed: [string[], Raw][] = [
    [['budgets'], mappingOf(raw.budgets)],
    [['rules', 'namespaces'], mappingOf(mappingOf(raw.rules).namespaces)],
  ];
  return keyed.flatMap(([path, entries]) =>
    Object.keys(entries).flatMap((ns) => {
      const to = relabel(ns);
      return to === ns ? [] : [{ path: [...path, ns], message: `namespace_relabel rewrites ${JSON.stringify(ns)} to ${JSON.stringify(to)}: name the namespace as published (after relabeling)` }];
    }),
  );
}
