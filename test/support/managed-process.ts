import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { GO_PROGRAM_ENV } from './binary.js';

const LOG_TAIL_CHARS = 8_000;

/** A spawned backend process whose output is kept (tail only) for error messages. */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
  private logTail = '';
  private running = false;

  constructor(
    readonly binary: string,
    private readonly args: readonly string[],
    private readonly cwd: string,
  ) {}

  /** Starts the process; call `exitedEarly` / `log` to diagnose a failed start. */
  start(): void {
    if (this.running) throw new Error(`failed to start ${this.binary}: already running`);
    this.logTail = '';
    const child = spawn(this.binary, this.args, { cwd: this.cwd, env: GO_PROGRAM_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => {
      this.logTail = (this.logTail + chunk.toString('utf8')).slice(-LOG_TAIL_CHARS);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.running = true;
    // Never leave a backend behind if the test process exits without calling stop().
    const reap = (): void => void child.kill('SIGKILL');
    process.once('exit', reap);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        process.removeListener('exit', reap);
        this.running = false;
        resolve(code);
      });
      child.once('error', (error) => {
        keep(Buffer.from(`spawn error: ${error.message}\n`));
        this.running = false;
        resolve(null);
      });
    });
    this.child = child;
  }

  /** Whether the process is alive (not exited). */
  get isRunning(): boolean {
    return this.running;
  }

  /** Last few KB of stdout+stderr. */
  get log(): string {
    return this.logTail;
  }

  /** Sends a signal; for terminating signals waits until the process has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running || this.child === undefined) return;
    this.child.kill(signal);
    if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') await this.exited;
  }

  /**
   * SIGSTOP, resolving once every thread of the process is stopped: the signal is delivered
   * asynchronously, and a thread still running could answer a request sent right after it.
   */
  async pause(): Promise<void> {
    const pid = this.child?.pid;
    if (!this.running || pid === undefined) return;
    this.child!.kill('SIGSTOP');
    const deadline = Date.now() + 5000;
    while (!allThreadsStopped(pid)) {
      if (Date.now() > deadline) throw new Error(`process ${pid} did not stop within 5 s of SIGSTOP`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running || this.child === undefined) return;
    this.child.kill('SIGCONT'); // a paused process cannot handle SIGTERM
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Resolves with the exit code once the process exits. */
  waitExit(): Promise<number | null> {
    return this.exited;
  }
}

/** Whether every thread of `pid` is in the stopped state (`T`) per /proc. */
function allThreadsStopped(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).every((tid) => {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return /\) T /.test(stat);
    });
  } catch {
    return false;
  }
}
