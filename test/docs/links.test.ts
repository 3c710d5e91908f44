import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../deploy/tree.js';
import { githubSlug, headingAnchors, markdownLinks } from './markdown-links.js';

const DOCUMENTS = [
  'README.md',
  'CHANGELOG.md',
  'changelog.d/README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** `file:line target` for each relative link of `file` (its `text`) whose file or heading anchor does not exist. */
function brokenLinks(file: string, text = readFileSync(path.join(ROOT, file), 'utf8')): string[] {
  return markdownLinks(text)
    .filter(({ target }) => !/^[a-z][a-z+.-]*:/i.test(target))
    .filter(({ target }) => {
      const [pathPart = '', anchor] = target.split('#', 2);
      const resolved = pathPart === '' ? path.join(ROOT, file) : path.resolve(path.dirname(path.join(ROOT, file)), decodeURIComponent(pathPart));
      if (!existsSync(resolved)) return true;
      if (anchor === undefined) return false;
      return !resolved.endsWith('.md') || !headingAnchors(readFileSync(resolved, 'utf8')).has(decodeURIComponent(anchor));
    })
    .map(({ target, line }) => `${file}:${line} ${target}`);
}

describe('documentation links', () => {
  it.each(DOCUMENTS)('%s links only to files and headings that exist', (file) => {
    expect(brokenLinks(file)).toEqual([]);
  });

  it('checks the README and every file in docs/, and the README links into docs/', () => {
    expect(DOCUMENTS.length).toBeGreaterThanOrEqual(10);
    const targets = markdownLinks(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).map((l) => l.target);
    for (const doc of ['configuration', 'metrics-table', 'accounting', 'deploy', 'operations', 'runbooks']) {
      expect(targets).toContain(`docs/${doc}.md`);
    }
    expect(targets).toContain('CHANGELOG.md');
  });

  it.each([
    ['Cardinality: `max_namespaces`', 'cardinality-max_namespaces'],
    ['Results (`npm run bench -- --full`, 24 evaluated hours per scenario)', 'results-npm-run-bench------full-24-evaluated-hours-per-scenario'],
    ['Status page at `/`', 'status-page-at-'],
    ['Reports, days and months, carbon, cost, budgets', 'reports-days-and-months-carbon-cost-budgets'],
    ['See [the docs](docs/x.md) now', 'see-the-docs-now'],
    ['EnergyLedgerDown', 'energyledgerdown'],
  ])('slugs the heading %j as GitHub does: #%s', (heading, slug) => {
    expect(githubSlug(heading)).toBe(slug);
  });

  it('numbers repeated headings, skips code blocks and inline code, and reads image links', () => {
    const text = '# A\n\n## A\n\n```sh\n# not a heading\n[x](nowhere.md)\n```\n\n`[y](nowhere.md)` ![i](p.png) [z](a.md#b "t")\n';
    expect([...headingAnchors(text)]).toEqual(['a', 'a-1']);
    expect(markdownLinks(text)).toEqual([
      { target: 'p.png', line: 10 },
      { target: 'a.md#b', line: 10 },
    ]);
  });

  it('reports a missing file and a missing heading, and leaves absolute URLs alone', () => {
    const text = '[a](runbooks.md#nope) [b](missing.md) [c](runbooks.md#energyledgerdown) [d](https://x/y.md) [e](#metrics)\n';
    expect(brokenLinks('docs/metrics-table.md', text)).toEqual(['docs/metrics-table.md:1 runbooks.md#nope', 'docs/metrics-table.md:1 missing.md']);
  });
});
