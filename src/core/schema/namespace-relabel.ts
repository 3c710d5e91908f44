/**
 * `namespace_relabel`: rewriting workload namespaces before accounting, in the style of Prometheus'
 * `relabel_configs` (`action: replace` on one label). Rules are tried in order; the first whose regex
 * matches the whole namespace rewrites it to its replacement with `$1`, `${1}`, `$name`, `${name}`
 * expanded (and `$$` for a literal `$`), as Go's `regexp.Expand` does; later rules are not tried. A
 * namespace that matches no rule keeps its name. Pure and deterministic.
 */

/** One relabeling rule. */
export interface NamespaceRelabelRule {
  /** Regular expression, anchored at both ends (as in Prometheus); RE2 `(?P<name>…)` groups accepted. */
  readonly regex: string;
  /** The new namespace; `$1`/`${1}`/`${name}` refer to the regex's groups, `$$` is a literal `$`. */
  readonly replacement: string;
}

/** Maps a workload namespace to the namespace it is accounted under. */
export type NamespaceRelabeler = (namespace: string) => string;

/** The identity relabeler (no rules). */
const NO_RELABEL: NamespaceRelabeler = (namespace) => namespace;

/** Distinct namespaces remembered per relabeler before the memo is cleared (bounds memory under churn). */
const MEMO_LIMIT = 16384;

/** The anchored JavaScript RegExp of a rule's regex; throws a SyntaxError when it is invalid. */
function anchoredRegex(regex: string): RegExp {
  // RE2/Go write named groups `(?P<name>…)`; JavaScript writes `(?<name>…)`.
  return new RegExp(`^(?:${regex.replace(/\(\?P</g, '(?<')})$`);
}

/** Why `regex` is not a valid relabeling regex, or undefined when it is valid. */
export function regexProblem(regex: string): string | undefined {
  try {
    anchoredRegex(regex);
    return undefined;
  } catch (error) {
    return `invalid regular expression ${JSON.stringify(regex)}: ${(error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')}`;
  }
}

/** Expands `$1`, `${1}`, `$name`, `${name}` and `$$` in `template` from a match (Go `regexp.Expand`). */
function expandReplacement(template: string, match: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$') {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    const braced = /^\{([A-Za-z0-9_]+)\}/.exec(template.slice(i + 1));
    const bare = braced === null ? /^[A-Za-z0-9_]+/.exec(template.slice(i + 1)) : null;
    const name = braced?.[1] ?? bare?.[0];
    if (name === undefined) {
      out += '$';
      continue;
    }
    i += braced !== null ? braced[0].length : name.length;
    out += groupValue(match, name);
  }
  return out;
}

/** A group's text by number or name; '' when the group does not exist or did not take part. */
function groupValue(match: RegExpExecArray, name: string): string {
  if (/^[0-9]+$/.test(name)) return match[Number(name)] ?? '';
  return match.groups?.[name] ?? '';
}

/**
 * Compiles the rules once into a relabeler. Results are memoized (bounded), so a poll of many series
 * of the same namespace runs the regexes once. Throws on an invalid regex (the config has checked them).
 */
export function compileNamespaceRelabel(rules: readonly NamespaceRelabelRule[]): NamespaceRelabeler {
  if (rules.length === 0) return NO_RELABEL;
  const compiled = rules.map((r) => ({ re: anchoredRegex(r.regex), replacement: r.replacement }));
  const memo = new Map<string, string>();
  return (namespace) => {
    const known = memo.get(namespace);
    if (known !== undefined) return known;
    let result = namespace;
    for (const { re, replacement } of compiled) {
      const match = re.exec(namespace);
      if (match !== null) {
        result = expandReplacement(replacement, match);
        break;
      }
    }
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(namespace, result);
    return result;
  };
}
