/**
 * The one registry of commands. Each has its command line module (flags → exit code) and, for those that do
 * work, the implementation that module hands over to; both are imported lazily, so that `check-config` and
 * `--help` load nothing heavy. Adding a command is one entry here plus its two modules.
 */
import type { CommandImplementations } from './context.js';
import type { CliIo } from './io.js';

/** A command line module: parses `args`, hands over to its implementation, resolves to the exit code. */
export type Command = (args: readonly string[], io: CliIo, implementations: CommandImplementations) => Promise<number>;

/** Every command by name. */
export const COMMANDS = {
  serve: {
    command: async () => (await import('./serve.js')).run,
    implementation: async () => (await import('../service/serve.js')).serve,
  },
  report: {
    command: async () => (await import('./report.js')).run,
    implementation: async () => (await import('../report/report.js')).report,
  },
  rules: {
    command: async () => (await import('./rules.js')).run,
    implementation: async () => (await import('../rules/command.js')).rules,
  },
  demo: {
    command: async () => (await import('./demo.js')).run,
    implementation: async () => (await import('../demo/demo.js')).demo,
  },
  'check-config': {
    command: async () => (await import('./check-config.js')).run,
  },
} as const satisfies Readonly<Record<string, { readonly command: () => Promise<Command>; readonly implementation?: () => Promise<unknown> }>>;

/** The implementations the real CLI hands over to, from {@link COMMANDS}; tests pass their own to `main`. */
export const IMPLEMENTATIONS: CommandImplementations = {
  serve: COMMANDS.serve.implementation,
  report: COMMANDS.report.implementation,
  rules: COMMANDS.rules.implementation,
  demo: COMMANDS.demo.implementation,
};
