/** `energy-ledger demo`: `serve` on the embedded simulated cluster. */
import type { CommandImplementations } from './context.js';
import { COMMON_OPTIONS, EXIT, contextFor, implementation, loadCommandConfig, parseFlags, runReporting } from './common.js';
import type { CliIo } from './io.js';
import { DEMO_USAGE } from './usage.js';

const OPTIONS = { ...COMMON_OPTIONS, listen: { type: 'string' } } as const;

/** Runs `demo`; resolves to the exit code once it has stopped. */
export function run(args: readonly string[], io: CliIo, implementations: CommandImplementations): Promise<number> {
  return runReporting('demo', io, async () => {
    const { values } = parseFlags(args, OPTIONS);
    if (values.help) {
      io.stdout(DEMO_USAGE);
      return EXIT.ok;
    }
    const { help: _help, ...flags } = values;
    const config = await loadCommandConfig(flags, io);
    const demo = await implementation(implementations.demo);
    await demo(contextFor(config, io));
    return EXIT.ok;
  });
}
