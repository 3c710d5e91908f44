import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../deploy/tree.js';
import { reaches, runtimeImportGraph, typeScriptFiles } from '../support/imports.js';
import { E2E_TESTS } from '../support/suites.js';

/** A package that starts another process: child processes, or a browser. */
const startsProcesses = (target: string): boolean => /^(node:)?child_process$|^playwright/.test(target);

describe('the unit / e2e split of the test files', () => {
  const files = [...typeScriptFiles(path.join(ROOT, 'src')), ...typeScriptFiles(path.join(ROOT, 'test'))];
  const graph = runtimeImportGraph(files);
  const tests = files.filter((f) => f.endsWith('.test.ts')).map((f) => path.relative(ROOT, f));

  it('counts as e2e every test file that starts a process, directly or through a helper', () => {
    const spawning = tests.filter((t) => reaches(graph, path.join(ROOT, t), startsProcesses));
    expect(spawning.length).toBeGreaterThan(20);
    expect(spawning.filter((t) => !E2E_TESTS.includes(t))).toEqual([]);
  });

  it('names only test files that exist, each once, and leaves most files to the unit suite', () => {
    expect(E2E_TESTS.filter((t) => !existsSync(path.join(ROOT, t)) || !t.endsWith('.test.ts'))).toEqual([]);
    expect(new Set(E2E_TESTS).size).toBe(E2E_TESTS.length);
    expect(tests.length - E2E_TESTS.length).toBeGreaterThan(E2E_TESTS.length);
  });
});
