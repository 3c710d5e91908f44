/** What a command may touch of the process: output streams, environment, shutdown signal, log sink. */
import type { DestinationStream } from 'pino';

/** A command's window on the process; tests pass an in-memory one. */
export interface CliIo {
  /** Command output (reports, `OK` lines, help). */
  readonly stdout: (text: string) => void;
  /** Diagnostics (problems, usage errors). Logs go to `logDestination`, not here. */
  readonly stderr: (text: string) => void;
  /** Whether `stderr` is a terminal (progress bars are drawn only there); absent means no. */
  readonly stderrIsTerminal?: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted when the process is asked to stop (SIGINT/SIGTERM); handlers are installed on first call. */
  readonly shutdownSignal: () => AbortSignal;
  /** Where JSON logs go; undefined means stderr. */
  readonly logDestination?: DestinationStream;
}

/** The real process: stdout/stderr, `process.env`, SIGINT/SIGTERM (a second signal exits at once). */
export function processIo(): CliIo {
  let controller: AbortController | undefined;
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    stderrIsTerminal: process.stderr.isTTY === true,
    env: process.env,
    shutdownSignal: () => {
      if (controller === undefined) {
        const ctl = new AbortController();
        controller = ctl;
        const onSignal = (signal: NodeJS.Signals): void => {
          if (ctl.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
          ctl.abort(new Error(`received ${signal}`));
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      }
      return controller.signal;
    },
  };
}
