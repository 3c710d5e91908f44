import { ManagedProcess } from './managed-process.js';
import { waitFor } from './wait-for.js';

/** A running test backend (Prometheus or VictoriaMetrics) on 127.0.0.1. */
export interface RunningBackend {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Storage directory (inside the temp dir unless the caller passed one). */
  readonly dataDir: string;
  /** Stops the process and removes the temp dir it created. Safe to call twice. */
  stop(): Promise<void>;
  /** Sends a signal (default SIGKILL); terminating signals wait for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGSTOP, resolved once every thread has stopped: the socket stays open but nothing answers. */
  pause(): Promise<void>;
  /** SIGCONT after `pause()`. */
  resume(): void;
  /** Stops (if running) and starts again on the same port and data dir; waits until ready. */
  restart(): Promise<void>;
  /** Last few KB of the process output. */
  log(): string;
}

/** Starts `proc` and waits until `readyUrl` answers 200, failing early (with the log) if it exits. */
export async function startAndWaitReady(proc: ManagedProcess, readyUrl: string, timeoutMs = 30_000): Promise<void> {
  proc.start();
  try {
    await waitFor(async () => {
      if (!proc.isRunning) throw new ExitedError();
      const response = await fetch(readyUrl).catch(() => undefined);
      await response?.body?.cancel();
      return response?.status === 200;
    }, timeoutMs);
  } catch (error) {
    await proc.stop();
    throw new Error(`failed to start ${proc.binary} (ready check ${readyUrl}): ${String(error)}\n--- log ---\n${proc.log}`, {
      cause: error,
    });
  }
}

class ExitedError extends Error {
  constructor() {
    super('process exited before it was ready');
  }
}
