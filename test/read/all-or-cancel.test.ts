import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { allOrCancel } from '../../src/read/all-or-cancel.js';

/** A task that resolves with `value` after `ms`, or rejects as soon as its signal aborts. */
function abortable(value: number, ms: number, log: string[]) {
  return (signal: AbortSignal) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        log.push(`done ${value}`);
        resolve(value);
      }, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        log.push(`aborted ${value}`);
        reject(new Error(`aborted ${value}`));
      });
    });
}

describe('allOrCancel', () => {
  it('resolves with every result in the order of the tasks, not of their completion', async () => {
    const log: string[] = [];
    expect(await allOrCancel([abortable(1, 30, log), abortable(2, 5, log), abortable(3, 15, log)])).toEqual([1, 2, 3]);
    expect(log).toEqual(['done 2', 'done 3', 'done 1']);
  });

  it('aborts the other tasks when one fails and rejects with that failure after they settled', async () => {
    const log: string[] = [];
    const failing = async (): Promise<number> => {
      await sleep(5);
      log.push('failed');
      throw new Error('failed to read build info: boom');
    };
    await expect(allOrCancel([abortable(1, 10_000, log), failing, abortable(3, 10_000, log)])).rejects.toThrow('failed to read build info: boom');
    expect(log).toEqual(['failed', 'aborted 1', 'aborted 3']);
  });

  it('waits for a task that ignores the abort before rejecting', async () => {
    let settled = false;
    const stubborn = async (): Promise<number> => {
      await sleep(80);
      settled = true;
      return 1;
    };
    const failing = async (): Promise<number> => Promise.reject(new Error('failed to read samples: reset'));
    await expect(allOrCancel([stubborn, failing])).rejects.toThrow('failed to read samples: reset');
    expect(settled).toBe(true);
  });

  it('hands the tasks a signal that aborts with the caller’s', async () => {
    const log: string[] = [];
    const caller = new AbortController();
    const running = allOrCancel([abortable(1, 10_000, log), abortable(2, 10_000, log)], caller.signal);
    caller.abort();
    await expect(running).rejects.toThrow('aborted 1');
    expect(log).toEqual(['aborted 1', 'aborted 2']);
  });
});
