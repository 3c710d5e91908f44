import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';
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

/** Where a backend keeps its files: a fresh temp dir (removed on stop) and the storage dir inside it, or `storageDir`. */
export async function backendDirs(prefix: string, storageDir?: string): Promise<{ tempDir: string; dataDir: string }> {
  const tempDir = await mkdtemp(path.join(tmpdir(), `energy-ledger-${prefix}-`));
  const dataDir = storageDir ?? path.join(tempDir, 'data');
  await mkdir(dataDir, { recursive: true });
  return { tempDir, dataDir };
}

/** What {@link launchBackend} runs. */
export interface BackendLaunch {
  readonly binary: string;
  /** From {@link backendDirs}; the process runs in `tempDir`, which is removed on stop and on a failed start. */
  readonly dirs: { readonly tempDir: string; readonly dataDir: string };
  /** The command-line arguments for listening on `address` (`127.0.0.1:<free port>`). */
  args(address: string): readonly string[];
  /** The path that answers 200 once the backend is ready, e.g. `/-/ready`. */
  readonly readyPath: string;
}

/** Tries with another free port when the backend could not listen on the one picked. */
const LISTEN_ATTEMPTS = 3;

/**
 * Starts a backend on a free port of 127.0.0.1, waits until it is ready, and returns its handles. A port that
 * was free a moment ago can be taken before the backend binds it (another test's server, or a connection's
 * ephemeral port): then it starts again on another.
 */
export async function launchBackend(launch: BackendLaunch): Promise<RunningBackend> {
  const { dirs, readyPath } = launch;
  const removeTempDir = (): Promise<void> => rm(dirs.tempDir, { recursive: true, force: true });
  const { proc, url } = await startOnFreePort(launch).catch(async (error: unknown) => {
    await removeTempDir();
    throw error;
  });
  return {
    url,
    dataDir: dirs.dataDir,
    async stop() {
      await proc.stop();
      await removeTempDir();
    },
    kill: (signal) => proc.kill(signal),
    pause: () => proc.pause(),
    resume: () => void proc.kill('SIGCONT'),
    async restart() {
      await proc.stop();
      await startAndWaitReady(proc, url + readyPath);
    },
    log: () => proc.log,
  };
}

/** Starts the backend on a free port, and on another one if that port was taken before the backend bound it. */
async function startOnFreePort({ binary, dirs, args, readyPath }: BackendLaunch): Promise<{ proc: ManagedProcess; url: string }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const proc = new ManagedProcess(binary, args(`127.0.0.1:${port}`), dirs.tempDir);
    try {
      await startAndWaitReady(proc, url + readyPath);
      return { proc, url };
    } catch (error) {
      if (attempt >= LISTEN_ATTEMPTS || !/address already in use/.test(proc.log)) throw error;
    }
  }
}

/** Starts `proc` and waits until `readyUrl` answers 200, failing at once (with the log) if it exits. */
export async function startAndWaitReady(proc: ManagedProcess, readyUrl: string, timeoutMs = 30_000): Promise<void> {
  proc.start();
  try {
    const outcome = await waitFor(async () => {
      if (!proc.isRunning) return 'exited';
      const response = await fetch(readyUrl).catch(() => undefined);
      await response?.body?.cancel();
      return response?.status === 200 && 'ready';
    }, timeoutMs);
    if (outcome === 'exited') throw new ExitedError();
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
