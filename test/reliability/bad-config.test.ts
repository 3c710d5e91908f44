import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CommandImplementations } from '../../src/cli/context.js';
import { configFiles, rejectionOf } from '../support/config-rejection.js';

const files = configFiles('bad-config');
const MISSING = 'a file that does not exist';

/** A YAML "billion laughs": nine levels of nine aliases each. */
function aliasBomb(): string {
  let text = 'a: &a [x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 10; i++) {
    const name = String.fromCharCode(97 + i);
    text += `${name}: &${name} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]\n`;
  }
  return text;
}

/** Mistakes the loader table (test/config/invalid.test.ts) does not have, each with its exact problem line(s). */
const CASES: [string, string | Buffer, (path: string) => string][] = [
  ['a cap of zero namespaces', 'max_namespaces: 0\n', (p) => `${p}:1:17: max_namespaces: must be at least 1, got the number 0`],
  ['a cap that is not a number', 'max_namespaces: many\n', (p) => `${p}:1:17: max_namespaces: expected a whole number, got "many"`],
  ['a response limit below 1 KiB', 'prometheus:\n  max_response_bytes: 10\n', (p) => `${p}:2:23: prometheus.max_response_bytes: must be at least 1024, got the number 10`],
  ['an empty token file path', 'prometheus:\n  bearer_token_file: ""\n', (p) => `${p}:2:22: prometheus.bearer_token_file: must not be empty`],
  ['a YAML alias bomb', aliasBomb(), (p) => `${p}: invalid YAML: Excessive alias count indicates a resource exhaustion attack`],
  [
    'a binary file (cut in the message)',
    Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08]), Buffer.from('A'.repeat(100))]),
    (p) => `${p}: expected a mapping of keys to values, got "\\u001f\ufffd\\b${'A'.repeat(57)}"… (103 characters)`,
  ],
  [MISSING, '', () => `${files.path('missing.yaml')}: failed to read config file: no such file`],
];

/** The path of a case's config file: written from its content, or left absent for the missing-file case. */
function configFileOf(name: string, content: string | Buffer): string {
  return name === MISSING ? files.path('missing.yaml') : files.write(`${name.replace(/\W+/g, '-')}.yaml`, content);
}

const neverServe: CommandImplementations = {
  serve: async () => async () => {
    throw new Error('serve must not start with a bad configuration');
  },
};

describe('bad configuration through the command line: exact message, exit 2, nothing started', () => {
  it.each(CASES)('check-config rejects %s', async (name, content, message) => {
    const path = configFileOf(name, content);
    // check-config reports an unreadable file on its own, without the problem count.
    const count = name === MISSING ? '' : `${path}: 1 problem\n`;
    expect(await rejectionOf(['check-config', path])).toBe(`${message(path)}\n${count}`);
  });

  it.each(CASES)('serve --config rejects %s before starting', async (name, content, message) => {
    const path = configFileOf(name, content);
    expect(await rejectionOf(['serve', '--config', path], neverServe)).toBe(`energy-ledger serve: invalid configuration (1 problem):\n  ${message(path)}\n`);
  });

  it('exits 2 from a real process for serve --config with a bad file, before binding any port', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const path = files.write('spawned.yaml', 'listen: 127.0.0.1:1\ninterval: soon\n');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ENERGY_LEDGER_')));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--config', path], { cwd: root, env, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `energy-ledger serve: invalid configuration (1 problem):\n  ${path}:2:11: interval: "soon" is not a duration (use 30s, 5m, 1h30m)\n`,
    );
  });
});
