/** What the poller reports about the service itself, as the exposition and the HTTP app read it. */
import type { PollErrorReason } from './names.js';

/** One detected Kepler schema (`v0.3`, `v0.4-v0.9`, `v0.10+`) and its version (`unknown` if not known). */
export interface KeplerSchemaInfo {
  readonly schema: string;
  readonly version: string;
}

/** Service health: read-side state plus the instrumentation hooks the poller calls. */
export interface ServiceHealth {
  /** 1 if the last poll succeeded. */
  readonly up: 0 | 1;
  /** Unix seconds of the last successful poll; undefined before the first. */
  readonly lastPollSuccess?: number;
  /** Kepler schemas detected (several when a shared Prometheus holds clusters on different versions). */
  readonly keplerSchemas: readonly KeplerSchemaInfo[];
  /** True once the start-up backfill has completed. */
  readonly backfillComplete: boolean;
  observePollDuration(seconds: number): void;
  countPollError(reason: PollErrorReason): void;
}
