/** Parses the YAML text of a config file and maps key paths back to line and column. */
import { LineCounter, isMap, isSeq, isScalar, parseDocument, type Node } from 'yaml';
import type { ConfigProblem } from './problem.js';

/** A parsed config file. */
export interface YamlSource {
  /** The document as plain data (null entries removed); undefined when there were syntax errors. */
  readonly value: unknown;
  /** Syntax errors, with line and column. */
  readonly problems: readonly ConfigProblem[];
  /**
   * Line and column (1-based) of the deepest node along `path` that exists in the file: the value,
   * or with `atKey` the key of the last mapping entry.
   */
  locate(path: readonly (string | number)[], atKey?: boolean): { line: number; column: number } | undefined;
}

/** Recursively drops mapping entries whose value is null (`key:` with no value means "use the default"). */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, dropNulls(v)]));
  }
  return value;
}

/** Parses YAML text; never throws: syntax errors become problems. */
export function parseYamlSource(text: string, name: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return {};
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problems: ConfigProblem[] = [...doc.errors, ...doc.warnings].map((error) => ({
    path: [],
    message: `invalid YAML: ${error.message}`,
    source: { kind: 'file', name, ...at(error.pos[0]) },
  }));

  let value: unknown;
  if (problems.length === 0) {
    try {
      value = dropNulls(doc.toJS({ maxAliasCount: 100 }));
    } catch (error) {
      problems.push({ path: [], message: `invalid YAML: ${(error as Error).message}`, source: { kind: 'file', name } });
    }
  }

  const locate = (path: readonly (string | number)[], atKey = false) => {
    let node: unknown = doc.contents;
    let found: Node | undefined = isMap(node) || isSeq(node) || isScalar(node) ? node : undefined;
    for (const [index, segment] of path.entries()) {
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        if (pair === undefined) break;
        // Point at the value when there is one, else (or when asked) at the key.
        const last = index === path.length - 1;
        next = (atKey && last) || pair.value === null || (isScalar(pair.value) && pair.value.value === null) ? pair.key : pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
      }
      if (!(isMap(next) || isSeq(next) || isScalar(next))) break;
      found = next;
      node = next;
    }
    return found?.range ? (at(found.range[0]) as { line: number; column: number }) : undefined;
  };

  return { value, problems, locate };
}
