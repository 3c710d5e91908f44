import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RUN_FIRST } from './slowest-first-sequencer.js';

describe('the slowest-first sequencer', () => {
  it('names only test files that exist, so a renamed slow file is noticed', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const missing = RUN_FIRST.map(([file]) => file).filter((file) => !file.endsWith('.test.ts') || !existsSync(root + file));
    expect(missing).toEqual([]);
  });
});
