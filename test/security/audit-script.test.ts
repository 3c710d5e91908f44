import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/audit.sh', import.meta.url));

function audit(report: unknown, ...args: string[]) {
  const run = spawnSync('bash', [script, ...args], { env: { ...process.env, AUDIT_REPORT: JSON.stringify(report) }, encoding: 'utf8', timeout: 30_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const counts = (over: Record<string, number>) => ({ metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0, ...over } } });

describe('scripts/audit.sh (npm audit --omit=dev)', () => {
  it('passes with no advisory, or with moderate and low ones only', () => {
    expect(audit(counts({}))).toMatchObject({ code: 0, stdout: 'audit: OK (production dependencies): 0 critical, 0 high, 0 moderate, 0 low, 0 info\n' });
    expect(audit(counts({ moderate: 2, low: 1 })).code).toBe(0);
  });

  it.each([
    ['high', { high: 1 }],
    ['critical', { critical: 1 }],
  ])('fails on a %s advisory and names the package', (severity, over) => {
    const result = audit({ ...counts(over), vulnerabilities: { 'some-pkg': { severity, range: '<1.2.3' } } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`audit: ${severity}: some-pkg <1.2.3`);
    expect(result.stderr).toMatch(/audit: FAIL: /);
  });

  it('exits 2 when the audit could not run, or 0 with a warning when told to allow that', () => {
    const refused = { message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk' };
    const strict = audit(refused);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('audit: failed to audit production dependencies: 405 Method Not Allowed');
    const lenient = audit(refused, '--allow-unavailable');
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toContain('nothing was checked');
  });
});
