/** The import graph of the project's TypeScript files, read from their source text (no bundler, no compiler). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One import of a file: what it names, and whether only types come through it (erased at run time). */
export interface ImportEdge {
  readonly specifier: string;
  readonly typeOnly: boolean;
}

const STATIC = /^\s*(import|export)\s+(type\s+)?([^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every `import … from`, `export … from`, side-effect `import '…'` and `import('…')` of a source text. */
export function importsOf(text: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const m of text.matchAll(STATIC)) {
    const [, keyword, type, clause = '', specifier = ''] = m;
    // `import { type A, type B } from` is type-only too: every named binding says `type`.
    const names = /^\{([^}]*)\}\s+from\s+$/.exec(clause.trim() + ' ')?.[1];
    const allTypes = names !== undefined && names.split(',').filter((n) => n.trim() !== '').every((n) => /^\s*type\s/.test(n));
    edges.push({ specifier, typeOnly: type !== undefined || (keyword === 'import' && allTypes) });
  }
  for (const m of text.matchAll(DYNAMIC)) edges.push({ specifier: m[1] ?? '', typeOnly: false });
  return edges;
}

/** Every `.ts` file under `dir` (absolute paths), sorted. */
export function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** The file a relative specifier of `from` names (`./x.js` is `./x.ts` in the source tree), or undefined for a package. */
export function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = path.resolve(path.dirname(from), specifier);
  const candidates = [target.replace(/\.js$/, '.ts'), target, `${target}.ts`, path.join(target, 'index.ts')];
  return candidates.find((c) => c.endsWith('.ts') && existsSync(c));
}

/** Runtime imports of each file: relative ones resolved to files, packages as written. Type-only imports are left out. */
export function runtimeImportGraph(files: readonly string[]): Map<string, string[]> {
  return new Map(
    files.map((file) => [
      file,
      importsOf(readFileSync(file, 'utf8'))
        .filter((e) => !e.typeOnly)
        .map((e) => resolveImport(file, e.specifier) ?? e.specifier),
    ]),
  );
}

/** Every cycle of the graph restricted to `within`, each once, as the list of files around it (Tarjan's strongly connected components). */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>, within: ReadonlySet<string>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!within.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfLoop = (graph.get(node) ?? []).includes(node);
      if (component.length > 1 || selfLoop) components.push(component.sort());
    }
  };
  for (const node of [...within].sort()) if (!index.has(node)) visit(node);
  return components;
}

/** Whether `file` reaches, through runtime imports, a package or file `reaches` accepts. */
export function reaches(graph: ReadonlyMap<string, readonly string[]>, file: string, accept: (target: string) => boolean): boolean {
  const seen = new Set<string>();
  const walk = (node: string): boolean => {
    if (accept(node)) return true;
    if (seen.has(node)) return false;
    seen.add(node);
    return (graph.get(node) ?? []).some(walk);
  };
  return walk(file);
}
