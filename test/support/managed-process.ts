import { spawn, type ChildProcess } from 'node:child_process';

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
    const child = spawn(this.binary, this.args, { cwd: this.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
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
