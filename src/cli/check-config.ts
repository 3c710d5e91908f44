/** `energy-ledger check-config FILE`: validate one file (defaults < FILE) and print every problem. */
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../config/load.js';
import { ConfigError } from '../config/problem.js';
import { summarizeConfig } from '../config/redact.js';
import { EXIT, parseFlags, runReporting } from './common.js';
import type { CliIo } from './io.js';
import { UsageError } from './usage-error.js';
import { CHECK_CONFIG_USAGE } from './usage.js';

/** Runs `check-config`: `OK: FILE: <summary>` on stdout and exit 0, or every problem on stderr and exit 2. */
export function run(args: readonly string[], io: CliIo): Promise<number> {
  return runReporting('check-config', io, async () => {
    const { values, positionals } = parseFlags(args, { help: { type: 'boolean', short: 'h' } }, true);
    if (values.help) {
      io.stdout(CHECK_CONFIG_USAGE);
      return EXIT.ok;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'FILE is required' : `expected one FILE, got ${positionals.length}`);
    const path = positionals[0] as string;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      io.stderr(`${path}: failed to read config file: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}\n`);
      return EXIT.usage;
    }
    try {
      const config = loadConfig({ file: { text, name: path } });
      io.stdout(`OK: ${path}: ${summarizeConfig(config)}\n`);
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const count = error.problems.length === 1 ? '1 problem' : `${error.problems.length} problems`;
      io.stderr(`${error.problems.join('\n')}\n${path}: ${count}\n`);
      return EXIT.usage;
    }
  });
}
