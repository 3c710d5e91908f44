import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLASSIFY_OPTIONS, buildSelector, queriesFor } from '../../../src/core/schema/index.js';
import { SCHEMAS } from '../../../src/core/types.js';

const dir = mkdtempSync(join(tmpdir(), 'schema-selectors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `promtool check rules` on one recording rule per expression; throws with promtool's output on error. */
function promtoolAccepts(exprs: readonly string[]): void {
  const rules = exprs.map((e, i) => `      - record: check:selector_${i}\n        expr: ${JSON.stringify(e)}\n`).join('');
  const file = join(dir, 'rules.yaml');
  writeFileSync(file, `groups:\n  - name: selectors\n    rules:\n${rules}`);
  execFileSync('promtool', ['check', 'rules', file], { stdio: 'pipe' });
}

describe('selectors against the real PromQL parser', () => {
  it('are accepted by promtool for every schema, with a user selector with escapes', () => {
    const extra = `{cluster="prod-eu", env=~'prod|stag.*', path!~\`C:\\dir\`, note!="a\\"b\\\\c\\n"}`;
    const exprs = SCHEMAS.flatMap((s) =>
      queriesFor(s, { ...DEFAULT_CLASSIFY_OPTIONS, modes: ['dynamic', 'idle', 'x.y'], zones: { 'a.b|c': 'ignore' } }).flatMap((q) => [buildSelector(q), buildSelector(q, extra)]),
    );
    expect(exprs.length).toBe(38);
    expect(() => promtoolAccepts(exprs)).not.toThrow();
  });

  it('would catch a malformed selector (the check itself can fail)', () => {
    expect(() => promtoolAccepts(['kepler_pod_cpu_joules_total{zone=~"package|dram"'])).toThrow();
  });
});
