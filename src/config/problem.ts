import { formatPath } from './describe.js';

/** Where a configuration value came from. */
export type ProblemSource =
  | { readonly kind: 'file'; readonly name: string; readonly line?: number; readonly column?: number }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'flag'; readonly name: string }
  | { readonly kind: 'default' };

/** One thing wrong with the configuration. */
export interface ConfigProblem {
  /** Key path, e.g. `['windows', 1]`; empty for problems with the file as a whole. */
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly source: ProblemSource;
}

/**
 * Renders a problem as one line: `<where>: <key>: <why>`, where `<where>` is `FILE:LINE:COLUMN`,
 * an environment variable name or a `--flag`; a problem with a default value says so at the end.
 */
export function formatProblem(problem: ConfigProblem): string {
  const parts: string[] = [];
  const source = problem.source;
  if (source.kind === 'file') {
    parts.push(source.line === undefined ? source.name : `${source.name}:${source.line}:${source.column ?? 1}`);
  } else if (source.kind === 'env') {
    parts.push(source.name);
  } else if (source.kind === 'flag') {
    parts.push(`--${source.name}`);
  }
  if (problem.path.length > 0) parts.push(formatPath(problem.path));
  parts.push(source.kind === 'default' ? `${problem.message} (from the defaults)` : problem.message);
  return parts.join(': ');
}

/** Invalid configuration: carries every problem found, from every source, at once. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** One line per problem, in the format of {@link formatProblem}. */
  readonly problems: readonly string[];

  constructor(
    readonly details: readonly ConfigProblem[],
    options?: { cause?: unknown },
  ) {
    const problems = details.map(formatProblem);
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`failed to load configuration: ${count}:\n${problems.map((p) => `  ${p}`).join('\n')}`, options);
    this.problems = problems;
  }
}
