/** Command dispatch: `energy-ledger <command> [flags]` → exit code. No logic of its own. */
import { closestKey } from '../config/describe.js';
import { COMMANDS, IMPLEMENTATIONS } from './commands.js';
import type { CommandImplementations } from './context.js';
import { EXIT } from './exit-codes.js';
import type { CliIo } from './io.js';
import { MAIN_USAGE } from './usage.js';
import { packageVersion } from './version.js';

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
  const entry = Object.hasOwn(COMMANDS, first) ? COMMANDS[first as keyof typeof COMMANDS] : undefined;
  if (entry === undefined) {
    const what = first.startsWith('-') ? `unknown flag ${first}` : `unknown command "${first}"`;
    const suggestion = first.startsWith('-') ? undefined : closestKey(first, Object.keys(COMMANDS));
    io.stderr(`energy-ledger: ${what}${suggestion ? ` (did you mean ${suggestion}?)` : ''}\nRun 'energy-ledger --help' for usage.\n`);
    return EXIT.usage;
  }
  return (await entry.command())(rest, io, implementations);
}
