import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

describe('README', () => {
  it('names the two quick-start commands and the test command that .ci/run runs', () => {
    const readme = read('README.md');
    expect(readme).toContain('npm ci\nnpm run demo\n');
    expect(readme).toContain('\nnpm test\n');
    expect(read('.ci/run')).toMatch(/^npm test$/m);
  });

  it('stays short: at most 300 lines, with the details in docs/', () => {
    expect(read('README.md').split('\n').length).toBeLessThanOrEqual(300);
  });

  it('keeps a Requirements section', () => {
    expect(read('README.md')).toMatch(/^## Requirements\n\n- Node\.js/m);
  });

  it('states the test prerequisites that .ci/run installs, here and in docs/development.md', () => {
    const packages = /apt-get install -y -qq ([\w -]+?) >/.exec(read('.ci/run'))?.[1];
    expect(packages).toBe('prometheus victoria-metrics chromium');
    for (const doc of ['README.md', 'docs/development.md']) expect(read(doc)).toContain(`apt-get install -y ${packages}`);
  });
});
