import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** The built executable (package.json `bin`). */
export const CLI = path.join(ROOT, 'dist', 'cli.js');

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, (await stat(full)).mtimeMs);
  }
  return newest;
}

async function isFresh(): Promise<boolean> {
  const built = await stat(CLI).then((s) => s.mtimeMs, () => 0);
  return built > 0 && built >= (await newestMtime(path.join(ROOT, 'src')));
}

/**
 * Builds `dist/` with `tsc -p tsconfig.build.json` unless it is newer than every source file. Test files
 * run in parallel processes, so the build holds a lock directory; the others wait and re-check.
 */
export async function ensureCliBuilt(timeoutMs = 120_000): Promise<void> {
  const lock = path.join(ROOT, '.tmp', 'e2e-build.lock');
  await mkdir(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await isFresh()) return;
    const locked = await mkdir(lock).then(() => true, () => false);
    if (locked) {
      try {
        if (!(await isFresh())) await run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT });
        return;
      } catch (error) {
        throw new Error(`failed to build the CLI: ${String((error as { stdout?: string }).stdout ?? error)}`, { cause: error });
      } finally {
        await rmdir(lock);
      }
    }
    // A lock older than the timeout was left by a killed run.
    const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > timeoutMs) await rmdir(lock).catch(() => undefined);
    if (Date.now() > deadline) throw new Error(`failed to build the CLI: ${lock} held for ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The environment of a spawned CLI: ours without any ENERGY_LEDGER_ variable. */
function cliEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ENERGY_LEDGER_')));
}

/** Result of a finished CLI run. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node dist/cli.js …` to completion. */
export async function runCli(args: readonly string[], timeoutMs = 60_000): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: ROOT, env: cliEnv(), timeout: timeoutMs, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : null, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
  }
}

/** A long-running CLI process (`serve`) with its output collected. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** Everything written to stderr so far (pino JSON lines). */
  stderr(): string;
  /** Resolves with the exit code (or the signal that ended it). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `node dist/cli.js …`; the process is killed if the test process exits first. */
export function spawnCli(args: readonly string[]): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout?.resume();
  const reap = (): void => void child.kill('SIGKILL');
  process.once('exit', reap);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      process.removeListener('exit', reap);
      resolve({ code, signal });
    });
  });
  return { child, stderr: () => stderr, exited };
}
