/** What the commands share: flag parsing, config loading, logger creation, errors to exit codes. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CONFIG_FILE_ENV, CONFIG_FLAGS, type ConfigFlags } from '../config/overrides.js';
import { ConfigError } from '../config/problem.js';
import { loadConfigFile } from '../config/load-file.js';
import type { Config } from '../config/index.js';
import { createLogger } from '../log.js';
import { ReportRequestError } from '../report/report-request-error.js';
import type { CommandContext, CommandImplementations } from './context.js';
import type { CliIo } from './io.js';
import { EXIT } from './exit-codes.js';
import { UsageError, usageErrorFrom } from './usage-error.js';

export { EXIT } from './exit-codes.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `--config FILE`, `--log-level LEVEL`, `--help`: taken by every command that loads a config. */
export const COMMON_OPTIONS = {
  config: { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/** Parses `args` strictly; throws {@link UsageError} naming the offending flag. */
export function parseFlags<O extends Options>(args: readonly string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals });
  } catch (error) {
    throw usageErrorFrom(error);
  }
}

/**
 * Loads the config named by `--config` (or `ENERGY_LEDGER_CONFIG`) with the environment and the flags of
 * `values` that are config flags (see `CONFIG_FLAGS`); the command's other flags are left out.
 */
async function loadCommandConfig(values: Readonly<Record<string, unknown>>, io: CliIo): Promise<Config> {
  const configFlags: ConfigFlags = Object.fromEntries(Object.entries(values).filter(([flag, v]) => flag in CONFIG_FLAGS && typeof v === 'string'));
  const path = typeof values.config === 'string' ? values.config : undefined;
  const file = path ?? (io.env[CONFIG_FILE_ENV] || undefined);
  return loadConfigFile({ path: file, env: io.env, flags: configFlags });
}

/** The context for an implementation: config, a logger at the configured level, shutdown signal. */
function contextFor(config: Config, io: CliIo): CommandContext {
  const logger = createLogger({ level: config.logLevel, destination: io.logDestination });
  return { config, logger, io, signal: io.shutdownSignal() };
}

/** The flags of a command line parsed against `O`. */
export type FlagValues<O extends Options> = ReturnType<typeof parseFlags<O>>['values'];

/** A command that loads the config: its name, its flags besides {@link COMMON_OPTIONS}, its `--help` text, and what it does. */
export interface ConfigCommandSpec<O extends Options> {
  readonly name: string;
  readonly options: O;
  readonly usage: string;
  /** Checks the command's own flags before the config is loaded; throws {@link UsageError}. */
  readonly check?: (values: FlagValues<O>) => void;
  /** Hands over to the command's implementation once the config is loaded. */
  readonly run: (values: FlagValues<O>, context: CommandContext, implementations: CommandImplementations) => Promise<void>;
}

/**
 * Every config-loading command's command line: parse the flags strictly, print the usage on `--help`,
 * load the config (file, environment, config flags), then run; what it throws becomes an exit code.
 */
export function configCommand<O extends Options & typeof COMMON_OPTIONS>(spec: ConfigCommandSpec<O>) {
  return (args: readonly string[], io: CliIo, implementations: CommandImplementations): Promise<number> =>
    runReporting(spec.name, io, async () => {
      const { values } = parseFlags(args, spec.options);
      // Every command's options include COMMON_OPTIONS' --help; the generic flag type cannot show it.
      if ((values as { help?: boolean }).help === true) {
        io.stdout(spec.usage);
        return EXIT.ok;
      }
      spec.check?.(values);
      const config = await loadCommandConfig(values, io);
      await spec.run(values, contextFor(config, io), implementations);
      return EXIT.ok;
    });
}

/** Runs a command body and maps what it throws to a message on stderr and an exit code. */
export async function runReporting(command: string, io: CliIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError || error instanceof ReportRequestError) {
      io.stderr(`energy-ledger ${command}: ${error.message}\nRun 'energy-ledger ${command} --help' for usage.\n`);
      return EXIT.usage;
    }
    if (error instanceof ConfigError) {
      const count = error.problems.length === 1 ? '1 problem' : `${error.problems.length} problems`;
      io.stderr(`energy-ledger ${command}: invalid configuration (${count}):\n${error.problems.map((p) => `  ${p}\n`).join('')}`);
      return EXIT.usage;
    }
    io.stderr(`energy-ledger ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failure;
  }
}

/** Loads a registered implementation, or fails with 'not implemented yet' (exit 1). */
export async function implementation<T>(loader: (() => Promise<T>) | undefined): Promise<T> {
  if (loader === undefined) throw new Error('not implemented yet');
  return loader();
}
