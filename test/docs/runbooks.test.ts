import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/schema.js';
import { ALERTS, runbookAnchor } from '../../src/rules/names.js';
import { ROOT } from '../deploy/tree.js';
import { headingAnchors } from './markdown-links.js';

const RUNBOOKS = 'docs/runbooks.md';

describe('alert runbooks', () => {
  it('docs/runbooks.md has one section per generated alert, at the anchor the alert links to', () => {
    const anchors = headingAnchors(readFileSync(path.join(ROOT, RUNBOOKS), 'utf8'));
    const alerts = Object.values(ALERTS);
    expect(alerts.filter((a) => !anchors.has(runbookAnchor(a)))).toEqual([]);
    expect([...anchors].filter((a) => a.startsWith('energyledger')).sort()).toEqual(alerts.map(runbookAnchor).sort());
  });

  it('the default runbook_url is docs/runbooks.md on the main branch of the repository', () => {
    expect(DEFAULTS.rules.runbook_url).toBe(`https://github.com/energy-ledger/energy-ledger/blob/main/${RUNBOOKS}`);
  });

  it('the committed rules link to docs/runbooks.md, never to the README', () => {
    for (const file of ['rules/energy-ledger.rules.yaml', 'deploy/apps/energy-ledger/prometheusrule.yaml']) {
      const urls = [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(/runbook_url: (\S+)/g)].map((m) => m[1]);
      expect(urls.length, file).toBeGreaterThan(0);
      for (const url of urls) expect(url).toMatch(/\/docs\/runbooks\.md#energyledger[a-z]+$/);
    }
  });
});
