/** `energy-ledger serve`: load the config, then hand over to the registered service. */
import type { CommandImplementations } from './context.js';
import { COMMON_OPTIONS, EXIT, contextFor, implementation, loadCommandConfig, parseFlags, runReporting } from './common.js';
import type { CliIo } from './io.js';
import { SERVE_USAGE } from './usage.js';

const OPTIONS = {
  ...COMMON_OPTIONS,
  'prometheus-url': { type: 'string' },
  listen: { type: 'string' },
  interval: { type: 'string' },
  backfill: { type: 'string' },
  shard: { type: 'string' },
} as const;

/** Runs `serve`; resolves to the exit code once the service has stopped. */
export function run(args: readonly string[], io: CliIo, implementations: CommandImplementations): Promise<number> {
  return runReporting('serve', io, async () => {
    const { values } = parseFlags(args, OPTIONS);
    if (values.help) {
      io.stdout(SERVE_USAGE);
      return EXIT.ok;
    }
    const { help: _help, ...flags } = values;
    const config = await loadCommandConfig(flags, io);
    const serve = await implementation(implementations.serve);
    await serve(contextFor(config, io));
    return EXIT.ok;
  });
}
