import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretFile } from '../../src/prometheus/secret-file.js';
import { Semaphore } from '../../src/prometheus/semaphore.js';

describe('Semaphore', () => {
  it('runs at most `limit` tasks at once, in arrival order, and frees slots on failure', async () => {
    const semaphore = new Semaphore(2);
    const order: number[] = [];
    let peak = 0;
    const task = (i: number) => async () => {
      peak = Math.max(peak, semaphore.inFlight);
      order.push(i);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (i === 1) throw new Error('boom');
      return i;
    };
    const results = await Promise.allSettled([0, 1, 2, 3, 4].map((i) => semaphore.run(task(i))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(semaphore.inFlight).toBe(0);
  });

  it('rejects a limit below 1', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});

describe('SecretFile', () => {
  it('re-reads the file only when it changed, trimming whitespace', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'secret-file-'));
    try {
      const file = path.join(dir, 'token');
      await writeFile(file, ' abc \n');
      const secret = new SecretFile(file);
      expect(await secret.read()).toBe('abc');
      await writeFile(file, 'xyz\n'); // same size: the mtime change must be noticed
      await utimes(file, new Date(), new Date(Date.now() + 5000));
      expect(await secret.read()).toBe('xyz');
      await rm(file);
      await expect(secret.read()).rejects.toThrow(/failed to read secret file .*token: ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
