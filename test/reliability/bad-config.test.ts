import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CommandImplementations } from '../../src/cli/commands.js';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'energy-ledger-bad-config-'));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function memoryIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    env: {},
    shutdownSignal: () => new AbortController().signal,
    logDestination: new Writable({ write: (_c, _e, done) => done() }),
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

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
  ['a file that does not exist', '', () => `${join(dir, 'missing.yaml')}: failed to read config file: no such file`],
];

const neverServe: CommandImplementations = {
  serve: async () => async () => {
    throw new Error('serve must not start with a bad configuration');
  },
};

describe('bad configuration through the command line: exact message, exit 2, nothing started', () => {
  it.each(CASES)('check-config rejects %s', async (name, content, message) => {
    const path = name === 'a file that does not exist' ? join(dir, 'missing.yaml') : file(`${name.replace(/\W+/g, '-')}.yaml`, content);
    const { io, stdout, stderr } = memoryIo();
    expect(await main(['check-config', path], io)).toBe(2);
    expect(stdout()).toBe('');
    // check-config reports an unreadable file on its own, without the problem count.
    const count = name === 'a file that does not exist' ? '' : `${path}: 1 problem\n`;
    expect(stderr()).toBe(`${message(path)}\n${count}`);
  });

  it.each(CASES)('serve --config rejects %s before starting', async (name, content, message) => {
    const path = name === 'a file that does not exist' ? join(dir, 'missing.yaml') : file(`${name.replace(/\W+/g, '-')}.yaml`, content);
    const { io, stderr } = memoryIo();
    expect(await main(['serve', '--config', path], io, neverServe)).toBe(2);
    expect(stderr()).toBe(`energy-ledger serve: invalid configuration (1 problem):\n  ${message(path)}\n`);
  });

  it('exits 2 from a real process for serve --config with a bad file, before binding any port', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const path = file('spawned.yaml', 'listen: 127.0.0.1:1\ninterval: soon\n');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ENERGY_LEDGER_')));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--config', path], { cwd: root, env, encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `energy-ledger serve: invalid configuration (1 problem):\n  ${path}:2:11: interval: "soon" is not a duration (use 30s, 5m, 1h30m)\n`,
    );
  });
});
