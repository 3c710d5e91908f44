import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../deploy/tree.js';
import { importCycles, importsOf, resolveImport, typeScriptFiles } from '../support/imports.js';

/** Every import of every file under src/, type-only ones included: a cycle of types is a cycle to a reader too. */
function srcGraph(): { files: string[]; graph: Map<string, string[]> } {
  const files = typeScriptFiles(path.join(ROOT, 'src'));
  const graph = new Map(files.map((f) => [f, importsOf(readFileSync(f, 'utf8')).map((e) => resolveImport(f, e.specifier) ?? e.specifier)]));
  return { files, graph };
}

describe('imports among src/ files', () => {
  it('form no cycle, static, dynamic or type-only', () => {
    const { files, graph } = srcGraph();
    expect(files.length).toBeGreaterThan(100);
    expect([...graph.values()].flat().filter((t) => t.startsWith(ROOT)).length).toBeGreaterThan(files.length);
    expect(importCycles(graph, new Set(files)).map((cycle) => cycle.map((f) => path.relative(ROOT, f)))).toEqual([]);
  });

  it('reads static, re-exported, side-effect, dynamic and type-only imports, over several lines', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "import { type C, type D } from './c.js';",
      "import {\n  e,\n  type E,\n} from './e.js';",
      "export { f } from './f.js';",
      "export type { G } from './g.js';",
      "import './side-effect.js';",
      "const h = async () => (await import('./h.js')).h;",
      "// not an import: from './comment.js'",
    ].join('\n');
    expect(importsOf(text)).toEqual([
      { specifier: './a.js', typeOnly: false },
      { specifier: './b.js', typeOnly: true },
      { specifier: './c.js', typeOnly: true },
      { specifier: './e.js', typeOnly: false },
      { specifier: './f.js', typeOnly: false },
      { specifier: './g.js', typeOnly: true },
      { specifier: './side-effect.js', typeOnly: false },
      { specifier: './h.js', typeOnly: false },
    ]);
  });

  it('finds a cycle of three, a file importing itself, and nothing in a chain', () => {
    const graph = new Map([
      ['a', ['b', 'node:fs']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['d']],
      ['e', ['a']],
    ]);
    expect(importCycles(graph, new Set(graph.keys()))).toEqual([['a', 'b', 'c'], ['d']]);
    expect(importCycles(new Map([['x', ['y']], ['y', []]]), new Set(['x', 'y']))).toEqual([]);
  });

  it('resolves a relative .js specifier to the .ts source, and leaves packages alone', () => {
    const from = path.join(ROOT, 'src', 'cli', 'main.ts');
    expect(resolveImport(from, './commands.js')).toBe(path.join(ROOT, 'src', 'cli', 'commands.ts'));
    expect(resolveImport(from, 'node:util')).toBeUndefined();
  });
});
