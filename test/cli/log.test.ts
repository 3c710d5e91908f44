import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';

/** A destination that keeps every JSON line written to it. */
function memory(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes JSON lines with a textual level and an ISO time', () => {
    const out = memory();
    createLogger({ level: 'info', destination: out.stream }).info({ component: 'poller' }, 'poll done');
    const [line] = out.lines();
    expect(line).toMatchObject({ level: 'info', component: 'poller', msg: 'poll done' });
    expect(String(line?.time)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('drops messages below the configured level', () => {
    const out = memory();
    const logger = createLogger({ level: 'warn', destination: out.stream });
    logger.info('hidden');
    logger.warn('shown');
    expect(out.lines().map((l) => l.msg)).toEqual(['shown']);
  });

  it('redacts credentials wherever they appear, including inside a logged config', () => {
    const out = memory();
    const config = loadConfig({
      file: {
        name: 'c.yaml',
        text: 'prometheus:\n  basic_auth: { username: ledger, password: hunter2 }\n  headers: { X-Api-Key: s3cret }\n',
      },
    });
    const logger = createLogger({ level: 'info', destination: out.stream });
    logger.info({ config }, 'config loaded');
    logger.info({ password: 'pw1', prometheus: { bearer_token: 'tok1' }, request: { headers: { authorization: 'Bearer tok2' } } }, 'req');
    logger.child({ component: 'source' }).info({ bearerToken: 'tok3' }, 'child');
    const text = out.lines().map((l) => JSON.stringify(l)).join('\n');
    for (const secret of ['hunter2', 's3cret', 'pw1', 'tok1', 'tok2', 'tok3']) expect(text).not.toContain(secret);
    expect(text).toContain('[REDACTED]');
    expect(text).toContain('"username":"ledger"');
  });
});
