import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'energy-ledger-cli-'));

/** Runs the CLI from source, as a user would run the built one. */
function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ENERGY_LEDGER_')));
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('energy-ledger (spawned)', () => {
  it('prints usage listing every command for --help and exits 0', () => {
    const { code, stdout } = cli('--help');
    expect(code).toBe(0);
    for (const command of ['serve', 'report', 'rules', 'demo', 'check-config']) expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('prints the package.json version for --version and exits 0', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(cli('--version')).toEqual({ code: 0, stdout: `energy-ledger ${version}\n`, stderr: '' });
  });

  it('accepts a valid config with check-config: OK on stdout, exit 0', () => {
    const good = file('good.yaml', 'prometheus:\n  url: http://prom:9090\ninterval: 1m\nwindows: [5m, 1h]\n');
    const { code, stdout, stderr } = cli('check-config', good);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(
      `OK: ${good}: prometheus http://prom:9090 (no auth), listen 0.0.0.0:9464, interval 1m, backfill 1d2h, windows 5m,1h, group_by namespace, kepler schema auto\n`,
    );
  });

  it('accepts the shipped example config', () => {
    expect(cli('check-config', 'examples/config.example.yaml').code).toBe(0);
  });

  it('lists every problem of a bad config with check-config and exits 2', () => {
    const bad = file('bad.yaml', 'interval: 5x\nwindows: [5m, 90s]\nkepler:\n  unknown_key: 1\n');
    const { code, stdout, stderr } = cli('check-config', bad);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      [
        `${bad}:1:11: interval: "5x" is not a duration: unknown unit "x" (use y, w, d, h, m, s or ms)`,
        `${bad}:2:15: windows[1]: "90s" is not a whole number of minutes (windows are made of 1-minute buckets)`,
        `${bad}:4:3: kepler.unknown_key: unknown key`,
        `${bad}: 3 problems`,
        '',
      ].join('\n'),
    );
  });

  it('exits 2 naming an unknown flag', () => {
    const { code, stderr } = cli('serve', '--intervall', '30s');
    expect(code).toBe(2);
    expect(stderr).toBe("energy-ledger serve: unknown flag --intervall\nRun 'energy-ledger serve --help' for usage.\n");
  });

  it('exits 2 naming a flag that lacks its value', () => {
    const { code, stderr } = cli('report', '--from');
    expect(code).toBe(2);
    expect(stderr).toContain('energy-ledger report: --from needs a value');
  });

  it('exits 2 for an unknown command, suggesting the closest one', () => {
    const { code, stderr } = cli('reprot');
    expect(code).toBe(2);
    expect(stderr).toBe('energy-ledger: unknown command "reprot" (did you mean report?)\nRun \'energy-ledger --help\' for usage.\n');
  });

  it('exits 2 with the flag named when a config flag has a bad value', () => {
    const { code, stderr } = cli('serve', '--backfill=-1h');
    expect(code).toBe(2);
    expect(stderr).toBe('energy-ledger serve: invalid configuration (1 problem):\n  --backfill: backfill: "-1h" is not a duration: negative durations are not allowed\n');
  });
});
