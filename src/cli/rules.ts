/** `energy-ledger rules`: write the recording rules, alerts and promtool tests. */
import { COMMON_OPTIONS, configCommand, implementation } from './common.js';
import { UsageError } from './usage-error.js';
import { RULES_USAGE } from './usage.js';

/** Default output directory of `rules`. */
const DEFAULT_RULES_DIR = 'rules';

/** Runs `rules`; resolves to the exit code. */
export const run = configCommand({
  name: 'rules',
  options: { ...COMMON_OPTIONS, out: { type: 'string' } },
  usage: RULES_USAGE,
  check: (values) => {
    if (values.out === '') throw new UsageError('--out needs a directory');
  },
  run: async (values, context, implementations) => (await implementation(implementations.rules))({ ...context, outDir: values.out ?? DEFAULT_RULES_DIR }),
});
