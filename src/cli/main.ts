/** Command dispatch: `energy-ledger <command> [flags]` → exit code. No logic of its own. */
import { closestKey } from '../config/describe.js';
import { IMPLEMENTATIONS, type CommandImplementations } from './commands.js';
import { EXIT } from './exit-codes.js';
import type { CliIo } from './io.js';
import { MAIN_USAGE } from './usage.js';
import { packageVersion } from './version.js';

type Command = (args: readonly string[], io: CliIo, implementations: CommandImplementations) => Promise<number>;

/** Command modules, loaded only when their command runs. */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  serve: async () => (await import('./serve.js')).run,
  report: async () => (await import('./report.js')).run,
  rules: async () => (await import('./rules.js')).run,
  demo: async () => (await import('./demo.js')).run,
  'check-config': async () => (await import('./check-config.js')).run,
};

/** Runs the command line `args` (without `node` and the script) and resolves to the exit code. */
export async function main(args: readonly string[], io: CliIo, implementations: CommandImplementations = IMPLEMENTATIONS): Promise<number> {
  const [first, ...rest] = args;
  if (first === undefined) {
    io.stderr(MAIN_USAGE);
    return EXIT.usage;
  }
  if (first === '--help' || first === '-h' || (first === 'help' && rest.length === 0)) {
    io.stdout(MAIN_USAGE);
    return EXIT.ok;
  }
  if (first === '--version') {
    io.stdout(`energy-ledger ${packageVersion()}\n`);
    return EXIT.ok;
  }
  if (first === 'help') return main([rest[0] as string, '--help'], io, implementations);
  const load = COMMANDS[first];
  if (load === undefined) {
    const what = first.startsWith('-') ? `unknown flag ${first}` : `unknown command "${first}"`;
    const suggestion = first.startsWith('-') ? undefined : closestKey(first, Object.keys(COMMANDS));
    io.stderr(`energy-ledger: ${what}${suggestion ? ` (did you mean ${suggestion}?)` : ''}\nRun 'energy-ledger --help' for usage.\n`);
    return EXIT.usage;
  }
  return (await load())(rest, io, implementations);
}
