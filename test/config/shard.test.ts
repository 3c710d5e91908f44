import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/index.js';
import { configErrorOf, problemsOf } from '../support/config-rejection.js';
import { memoryIo } from '../support/memory-io.js';

describe('shard and adaptive_overlap settings', () => {
  it('reads shard from the file, the environment and the flag, the flag winning', () => {
    expect(loadConfig({ file: { text: 'shard: 1/4\n', name: 'c.yaml' } }).shard).toEqual({ index: 1, count: 4 });
    expect(loadConfig({ env: { ENERGY_LEDGER_SHARD: '2/3' } }).shard).toEqual({ index: 2, count: 3 });
    expect(loadConfig({ env: { ENERGY_LEDGER_SHARD: '2/3' }, flags: { shard: '0/2' } }).shard).toEqual({ index: 0, count: 2 });
    expect(loadConfig({}).shard).toBeUndefined();
    expect(loadConfig({ file: { text: 'adaptive_overlap: false\n', name: 'c.yaml' } }).adaptiveOverlap).toBe(false);
  });

  it.each([
    ['shard: 4/4\n', 'config.yaml:1:8: shard: i must be less than N (shards are numbered 0 to N−1), got "4/4"'],
    ['shard: 0/0\n', 'config.yaml:1:8: shard: N must be at least 1, got "0/0"'],
    ['shard: "1"\n', 'config.yaml:1:8: shard: expected i/N such as 0/4 (shard i of N, counted from 0), got "1"'],
    ['shard: 3\n', 'config.yaml:1:8: shard: expected i/N such as 0/4, got the number 3'],
  ])('rejects %j naming the key', (text, problem) => {
    expect(problemsOf(text)).toEqual([problem]);
  });

  it('names the environment variable and the flag', () => {
    expect(configErrorOf({ env: { ENERGY_LEDGER_SHARD: '5/2' } }).problems.join('\n')).toMatch(/ENERGY_LEDGER_SHARD.*shard: i must be less than N/);
    expect(configErrorOf({ flags: { shard: 'x' } }).problems.join('\n')).toMatch(/--shard.*shard: expected i\/N/);
  });

  it('serve --shard 4/4 exits 2 before starting', async () => {
    const io = memoryIo();
    const code = await main(['serve', '--shard', '4/4'], io.io);
    expect(code).toBe(2);
    expect(io.stderr()).toMatch(/shard: i must be less than N/);
  });
});
