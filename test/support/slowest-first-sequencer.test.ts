import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CI_SECONDS } from './slowest-first-sequencer.js';

describe('the slowest-first sequencer', () => {
  it('names only test files that exist, so a renamed slow file is noticed', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const missing = Object.keys(CI_SECONDS).filter((file) => !file.endsWith('.test.ts') || !existsSync(root + file));
    expect(missing).toEqual([]);
  });
});
