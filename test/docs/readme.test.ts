import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandIncludes } from '../../src/docs/includes.js';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

describe('README', () => {
  it('carries the current text of every docs/ fragment it includes (run `npm run docs` after editing one)', () => {
    const readme = read('README.md');
    expect(readme.match(/<!-- include: /g)?.length ?? 0).toBeGreaterThanOrEqual(5);
    expect(expandIncludes(readme, read)).toBe(readme);
  });

  it('replaces an include block with its fragment, dropping the fragment\'s leading comment', () => {
    const text = 'a\n<!-- include: x.md -->\nold\n<!-- /include -->\nb\n';
    const out = expandIncludes(text, () => '<!-- where -->\n\n## X\nnew\n');
    expect(out).toBe('a\n<!-- include: x.md -->\n## X\nnew\n<!-- /include -->\nb\n');
  });

  it('names the two quick-start commands and the test command that .ci/run runs', () => {
    const readme = read('README.md');
    expect(readme).toContain('npm ci\nnpm run demo\n');
    expect(readme).toContain('\nnpm test\n');
    expect(read('.ci/run')).toMatch(/^npm test$/m);
  });
});
