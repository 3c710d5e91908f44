import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

const load = (text: string) => loadConfig({ file: { text, name: 'test.yaml' } });

describe('unattributed config key', () => {
  it('is absent (off) by default', () => {
    expect(load('').unattributed).toBeUndefined();
  });

  it.each(['off', 'explicit', 'proportional'] as const)('reads %s', (mode) => {
    expect(load(`unattributed: ${mode}\n`).unattributed).toBe(mode);
  });

  it('rejects an unknown mode, naming the key', () => {
    expect(() => load('unattributed: idle\n')).toThrow(ConfigError);
    expect(() => load('unattributed: idle\n')).toThrow(/unattributed/);
  });
});
