/**
 * The harness of the invalid-configuration tables: load a config expecting its exact problems, or write
 * it to a file and run the CLI on it expecting exit 2.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import type { CommandImplementations } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import { ConfigError, loadConfig, type ConfigInputs } from '../../src/config/index.js';
import { memoryIo } from './memory-io.js';

/** The ConfigError `loadConfig(inputs)` throws; fails the test when it accepts them or throws anything else. */
export function configErrorOf(inputs: ConfigInputs): ConfigError {
  try {
    loadConfig(inputs);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected the configuration to be rejected');
}

/** The problem lines `text`, loaded as the config file `name`, is rejected with. */
export function problemsOf(text: string, name = 'config.yaml'): readonly string[] {
  return configErrorOf({ file: { text, name } }).problems;
}

/** Config files of one test file, in a temp dir removed after its tests. */
export interface ConfigFiles {
  /** Writes `content` to `name` in the dir and returns its path. */
  write(name: string, content: string | Buffer): string;
  /** The path `name` would have in the dir (nothing is written). */
  path(name: string): string;
}

/** A temp dir for config files; call it at the top level of a test file (it registers its removal with `afterAll`). */
export function configFiles(prefix: string): ConfigFiles {
  const dir = mkdtempSync(path.join(tmpdir(), `energy-ledger-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const at = (name: string): string => path.join(dir, name);
  return {
    write(name, content) {
      writeFileSync(at(name), content);
      return at(name);
    },
    path: at,
  };
}

/** What one in-process CLI run exited with and wrote. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `energy-ledger <args>` in this process, with an empty environment and output kept in memory. */
export async function runCli(args: readonly string[], implementations?: CommandImplementations): Promise<CliRun> {
  const { io, stdout, stderr } = memoryIo();
  const code = await main(args, io, implementations);
  return { code, stdout: stdout(), stderr: stderr() };
}

/** Runs `energy-ledger <args>` expecting a rejected configuration: exit 2 and nothing on stdout. Returns stderr. */
export async function rejectionOf(args: readonly string[], implementations?: CommandImplementations): Promise<string> {
  const run = await runCli(args, implementations);
  expect(run.code, `exit code of energy-ledger ${args.join(' ')} (stderr: ${run.stderr})`).toBe(2);
  expect(run.stdout).toBe('');
  return run.stderr;
}
