/** The Dockerfile: multi-stage, Node 22 (pinned) at run time, production dependencies only, non-root, OCI labels. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
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
  it('pins the Node 22 bookworm-slim image by its full version', () => {
    expect(nodeImage()).toMatch(/^node:22\.\d+\.\d+-bookworm-slim$/);
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
});
