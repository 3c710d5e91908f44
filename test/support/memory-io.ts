import { Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';

/** A {@link CliIo} held in memory, with what the command wrote to it. */
export interface MemoryIo {
  readonly io: CliIo;
  /** Aborts `io.shutdownSignal()`, as SIGTERM would. */
  readonly shutdown: AbortController;
  stdout(): string;
  stderr(): string;
  /** The JSON log lines written to `io.logDestination`. */
  logs(): string;
}

/** An in-memory process for `main`: captured output and logs, the given environment, a shutdown the test controls. */
export function memoryIo(env: Record<string, string> = {}): MemoryIo {
  const out: string[] = [];
  const err: string[] = [];
  const logs: string[] = [];
  const shutdown = new AbortController();
  const io: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    env,
    shutdownSignal: () => shutdown.signal,
    logDestination: new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  };
  return { io, shutdown, stdout: () => out.join(''), stderr: () => err.join(''), logs: () => logs.join('') };
}
