/** `energy-ledger rules`: write the recording rules, alerts and promtool tests. */
import type { CommandImplementations } from './context.js';
import { COMMON_OPTIONS, EXIT, contextFor, implementation, loadCommandConfig, parseFlags, runReporting } from './common.js';
import type { CliIo } from './io.js';
import { UsageError } from './usage-error.js';
import { RULES_USAGE } from './usage.js';

const OPTIONS = { ...COMMON_OPTIONS, out: { type: 'string' } } as const;

/** Default output directory of `rules`. */
const DEFAULT_RULES_DIR = 'rules';

/** Runs `rules`; resolves to the exit code. */
export function run(args: readonly string[], io: CliIo, implementations: CommandImplementations): Promise<number> {
  return runReporting('rules', io, async () => {
    const { values } = parseFlags(args, OPTIONS);
    if (values.help) {
      io.stdout(RULES_USAGE);
      return EXIT.ok;
    }
    const { help: _help, out = DEFAULT_RULES_DIR, ...flags } = values;
    if (out === '') throw new UsageError('--out needs a directory');
    const config = await loadCommandConfig(flags, io);
    const rules = await implementation(implementations.rules);
    await rules({ ...contextFor(config, io), outDir: out });
    return EXIT.ok;
  });
}
