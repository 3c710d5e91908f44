/**
 * The Dockerfile: multi-stage, Node 24 LTS (pinned) at run time, production dependencies only, non-root,
 * OCI labels, and a HEALTHCHECK whose command runs here against real HTTP servers.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../support/fake-server.js';
import { freePort } from '../support/free-port.js';
import { ROOT } from './tree.js';

const dockerfile = () => readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
/** Instructions with continuation lines joined and comments dropped. */
const instructions = () =>
  dockerfile()
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
/** The instructions of each stage, keyed by stage name. */
const stages = () => {
  const result = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of instructions()) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) result.set(from[2] ?? `stage${result.size}`, (current = [line]));
    else current?.push(line);
  }
  return result;
};
const nodeImage = () => /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile())?.[1];

describe('Dockerfile', () => {
  it('pins the Node 24 bookworm-slim image by its full version', () => {
    expect(nodeImage()).toMatch(/^node:24\.\d+\.\d+-bookworm-slim$/);
    for (const [name, lines] of stages()) expect(lines[0], name).toMatch(/^FROM \$\{NODE_IMAGE\} AS \w+$/);
  });

  it('builds in one stage and runs in another that has only production dependencies and dist/', () => {
    const all = stages();
    expect(all.size).toBeGreaterThanOrEqual(2);
    const runtime = [...all.values()].at(-1) ?? [];
    const text = runtime.join('\n');
    expect(text).not.toMatch(/npm (ci|install)/);
    expect(text).toMatch(/COPY --from=\w+ \/app\/node_modules/);
    expect(text).toMatch(/COPY --from=\w+ \/src\/dist/);
    expect(text).not.toMatch(/COPY (src|\.) /);
    const deps = [...all.values()].find((lines) => lines.some((l) => l.includes('--omit=dev')));
    expect(deps?.join('\n')).toMatch(/npm ci --omit=dev/);
    expect([...all.values()].some((lines) => lines.some((l) => /^RUN npm run build$/.test(l)))).toBe(true);
  });

  it('runs as a numeric non-root user, on the service port, with the CLI as entry point', () => {
    const runtime = [...stages().values()].at(-1) ?? [];
    const user = runtime.filter((l) => l.startsWith('USER ')).at(-1);
    expect(user).toMatch(/^USER [1-9]\d*(:\d+)?$/);
    expect(runtime).toContain('EXPOSE 9464');
    expect(runtime).toContain('ENTRYPOINT ["node", "/app/dist/cli.js"]');
    expect(runtime).toContain('CMD ["serve"]');
  });

  it('carries the OCI labels', () => {
    const labels = [...dockerfile().matchAll(/(org\.opencontainers\.image\.[a-z.]+)=/g)].map((m) => m[1]);
    const expected = ['title', 'description', 'version', 'revision', 'licenses', 'base.name'].map((k) => `org.opencontainers.image.${k}`);
    expect(labels).toEqual(expect.arrayContaining(expected));
    const license = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { license: string }).license;
    expect(dockerfile()).toContain(`org.opencontainers.image.licenses="${license}"`);
  });

  it('sends only what the build needs: the .dockerignore allow-lists package files, tsconfigs and src/', () => {
    const lines = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines[0]).toBe('*');
    expect(lines.slice(1).sort()).toEqual(['!package-lock.json', '!package.json', '!src', '!tsconfig.build.json', '!tsconfig.json']);
    const copied = instructions()
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    for (const file of copied) expect(lines, file).toContain(`!${file}`);
  });

  describe('HEALTHCHECK', () => {
    const healthcheck = () => ([...stages().values()].at(-1) ?? []).filter((l) => l.startsWith('HEALTHCHECK '));
    /** The exec-form command of the runtime stage's HEALTHCHECK. */
    const command = () => JSON.parse(/ CMD (\[.*\])$/.exec(healthcheck()[0] ?? '')?.[1] ?? 'null') as string[];
    let up: FakeServer;
    let down: FakeServer;
    beforeAll(async () => {
      up = await startFakeServer((req, res) => void res.writeHead(req.url === '/healthz' ? 200 : 404).end('ok\n'));
      down = await startFakeServer((_req, res) => void res.writeHead(503).end('unhealthy\n'));
    });
    afterAll(async () => {
      await up?.close();
      await down?.close();
    });
    /** Runs the command as Docker would, with `node` being this Node, and returns its exit code. */
    const check = async (listen: string | undefined) => {
      const [node, ...args] = command();
      expect(node).toBe('node');
      const env = { ...process.env, ENERGY_LEDGER_LISTEN: listen };
      if (listen === undefined) delete env.ENERGY_LEDGER_LISTEN;
      try {
        await promisify(execFile)(process.execPath, args, { env, timeout: 20_000 });
        return 0;
      } catch (error) {
        return (error as { code: number }).code;
      }
    };

    it('checks the runtime stage every 30 s with a timeout and a start period, in exec form with node (no shell, no curl)', () => {
      expect(healthcheck()).toHaveLength(1);
      expect(healthcheck()[0]).toMatch(/^HEALTHCHECK --interval=30s --timeout=\d+s --start-period=\w+ --retries=\d+ +CMD \[/);
      expect(command().slice(0, 2)).toEqual(['node', '-e']);
    });

    it('passes when /healthz on the ENERGY_LEDGER_LISTEN port answers 200', async () => {
      expect(await check(`0.0.0.0:${up.port}`)).toBe(0);
      expect(await check(`[::]:${up.port}`)).toBe(0);
    });

    it('fails on a 503, and when nothing listens', async () => {
      expect(await check(`0.0.0.0:${down.port}`)).toBe(1);
      expect(await check(`0.0.0.0:${await freePort()}`)).toBe(1);
    });

    it('asks port 9464, the service default, when ENERGY_LEDGER_LISTEN is unset', () => {
      expect(command()[2]).toContain("process.env.ENERGY_LEDGER_LISTEN ?? ':9464'");
      expect(instructions()).toContain('EXPOSE 9464');
    });
  });
});
