/** Bad command-line usage: exit code 2 with a message naming the flag or argument. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const FLAG = /'(?:-\w, )?(--?[\w-]+)/;

/** Turns a `node:util` parseArgs error into a {@link UsageError} that names the flag; other errors pass through. */
export function usageErrorFrom(error: unknown): unknown {
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? '';
  const flag = FLAG.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown flag ${flag}`);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? ''}`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (message.includes('does not take an argument')) return new UsageError(`${flag} does not take a value`);
      if (message.includes('ambiguous')) return new UsageError(`${flag} needs a value (write ${flag}=-VALUE for a value starting with -)`);
      return new UsageError(`${flag} needs a value`);
    default:
      return error;
  }
}
