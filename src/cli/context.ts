/**
 * What a command's implementation gets from the command line, and the shape of each implementation. A leaf
 * module: the implementations (src/service, src/demo, src/report, src/rules) import it, and the command line
 * loads them through the registry in `commands.ts`, so nothing imports back into the command line.
 */
import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';
import type { CliIo } from './io.js';

/** What every implementation gets. */
export interface CommandContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly io: CliIo;
  /** Aborted on SIGINT/SIGTERM: stop, drain, resolve. */
  readonly signal: AbortSignal;
}

/** `serve` and `demo`: run until `signal` aborts, then resolve. Reject on a fatal runtime error (exit 1). */
export type ServeImplementation = (context: CommandContext) => Promise<void>;

/** `report` parameters, validated. Times are unix seconds; `to` > `from`. */
export interface ReportRequest {
  readonly from: number;
  readonly to: number;
  /** Period length, seconds; a whole number of minutes. */
  readonly stepSeconds: number;
  readonly by: 'namespace' | 'node';
  readonly format: 'table' | 'csv' | 'json' | 'markdown';
  /** IANA zone of calendar days (`--step 1d`, `--period`); absent: the config's `timezone`. */
  readonly timezone?: string;
  /** Periods are calendar days in the zone (`--step 1d`) instead of fixed `stepSeconds` from `from`. */
  readonly days?: boolean;
  /** Keep the N groups with the most energy, sum the rest as `other`. */
  readonly top?: number;
}

/** `report`: write the report to `io.stdout`, then resolve. */
export type ReportImplementation = (context: CommandContext & { readonly request: ReportRequest }) => Promise<void>;

/** `rules`: write the rule files into `outDir` (created if missing), then resolve. */
export type RulesImplementation = (context: CommandContext & { readonly outDir: string }) => Promise<void>;

/** Lazily loaded implementations; a missing entry means "not implemented yet". */
export interface CommandImplementations {
  readonly serve?: () => Promise<ServeImplementation>;
  readonly demo?: () => Promise<ServeImplementation>;
  readonly report?: () => Promise<ReportImplementation>;
  readonly rules?: () => Promise<RulesImplementation>;
}
