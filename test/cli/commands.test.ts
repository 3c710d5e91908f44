import { describe, expect, it } from 'vitest';
import type { CommandContext, CommandImplementations, ReportRequest } from '../../src/cli/context.js';
import { COMMANDS, IMPLEMENTATIONS } from '../../src/cli/commands.js';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../support/memory-io.js';

describe('commands hand a validated config to the registered implementation', () => {
  it('passes serve the layered config, a logger and the shutdown signal, and exits 0 when it returns', async () => {
    const { io, shutdown } = memoryIo({ ENERGY_LEDGER_INTERVAL: '2m', ENERGY_LEDGER_LISTEN: ':1' });
    let seen: CommandContext | undefined;
    const implementations: CommandImplementations = {
      serve: async () => async (context) => {
        seen = context;
        shutdown.abort();
      },
    };
    const code = await main(['serve', '--listen', '127.0.0.1:0', '--prometheus-url', 'http://p:9090'], io, implementations);
    expect(code).toBe(0);
    expect(seen?.config).toMatchObject({ intervalSeconds: 120, listen: { host: '127.0.0.1', port: 0 }, prometheus: { url: 'http://p:9090' } });
    expect(seen?.signal.aborted).toBe(true);
    expect(typeof seen?.logger.info).toBe('function');
  });

  it('reads the config file from ENERGY_LEDGER_CONFIG when --config is absent', async () => {
    const { io, stderr } = memoryIo({ ENERGY_LEDGER_CONFIG: '/nonexistent/from-env.yaml' });
    const code = await main(['demo'], io, { demo: async () => async () => undefined });
    expect(code).toBe(2);
    expect(stderr()).toBe(
      'energy-ledger demo: invalid configuration (1 problem):\n  /nonexistent/from-env.yaml: failed to read config file: no such file\n',
    );
  });

  it('passes report the parsed request with defaults for step, by and format', async () => {
    const { io } = memoryIo();
    let request: ReportRequest | undefined;
    const code = await main(['report', '--from', '2026-11-27T10:00:00Z', '--to', '1795780800'], io, {
      report: async () => async (context) => {
        request = context.request;
        context.io.stdout('report body\n');
      },
    });
    expect(code).toBe(0);
    expect(request).toEqual({ from: 1_795_773_600, to: 1_795_780_800, stepSeconds: 3600, by: 'namespace', format: 'table' });
  });

  it.each([
    [['--from', '100', '--to', '100'], '--to must be after --from (got --from 100 and --to 100)'],
    [['--to', '100'], '--from is required (RFC 3339, e.g. 2026-11-27T10:00:00Z, or unix seconds)'],
    [['--from', '0', '--to', '7200', '--step', '90s'], '--step must be a whole number of minutes, at least 1m; got "90s"'],
    [['--from', '0', '--to', '7200', '--step', '1x'], '--step: "1x" is not a duration: unknown unit "x" (use y, w, d, h, m, s or ms)'],
    [['--from', '0', '--to', '7200', '--format', 'xml'], '--format must be one of table, csv, json, markdown; got "xml"'],
    [['--from', '0', '--to', '7200', '--by', 'pod'], '--by must be one of namespace, node; got "pod"'],
  ])('rejects report %j with exit 2 naming the flag', async (args, message) => {
    const { io, stderr } = memoryIo();
    const code = await main(['report', ...args], io, { report: async () => async () => undefined });
    expect(code).toBe(2);
    expect(stderr()).toBe(`energy-ledger report: ${message}\nRun 'energy-ledger report --help' for usage.\n`);
  });

  it('passes rules the output directory, defaulting to rules', async () => {
    const dirs: string[] = [];
    const implementations: CommandImplementations = { rules: async () => async ({ outDir }) => void dirs.push(outDir) };
    expect(await main(['rules'], memoryIo().io, implementations)).toBe(0);
    expect(await main(['rules', '--out', '/tmp/x'], memoryIo().io, implementations)).toBe(0);
    expect(dirs).toEqual(['rules', '/tmp/x']);
  });

  it.each(['serve', 'report', 'rules', 'demo'])('says %s is not implemented yet and exits 1 when nothing is registered', async (command) => {
    const { io, stderr } = memoryIo();
    const args = command === 'report' ? ['--from', '0', '--to', '3600'] : [];
    expect(await main([command, ...args], io, {})).toBe(1);
    expect(stderr()).toBe(`energy-ledger ${command}: not implemented yet\n`);
  });

  it('exits 1 with the message when the implementation fails at run time', async () => {
    const { io, stderr } = memoryIo();
    const code = await main(['serve'], io, {
      serve: async () => async () => {
        throw new Error('failed to bind 0.0.0.0:9464: address in use');
      },
    });
    expect(code).toBe(1);
    expect(stderr()).toBe('energy-ledger serve: failed to bind 0.0.0.0:9464: address in use\n');
  });

  it('logs at the configured level to the log destination, never to stdout', async () => {
    const { io, stdout, logs } = memoryIo();
    await main(['serve', '--log-level', 'debug'], io, {
      serve: async () => async ({ logger }) => {
        logger.debug({ password: 'pw' }, 'starting');
      },
    });
    expect(stdout()).toBe('');
    expect(JSON.parse(logs())).toMatchObject({ level: 'debug', msg: 'starting', password: '[REDACTED]' });
  });

  it.each(['serve', 'report', 'rules', 'demo', 'check-config'])('prints help for %s --help and for help %s, exit 0', async (command) => {
    const a = memoryIo();
    const b = memoryIo();
    expect(await main([command, '--help'], a.io, {})).toBe(0);
    expect(await main(['help', command], b.io, {})).toBe(0);
    expect(a.stdout()).toMatch(new RegExp(`^Usage: energy-ledger ${command}`));
    expect(b.stdout()).toBe(a.stdout());
  });

  it('prints usage on stderr and exits 2 without a command', async () => {
    const { io, stdout, stderr } = memoryIo();
    expect(await main([], io, {})).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toMatch(/^Usage: energy-ledger <command>/);
  });

  it('rejects a stray argument to serve naming it', async () => {
    const { io, stderr } = memoryIo();
    expect(await main(['serve', 'now'], io, {})).toBe(2);
    expect(stderr()).toBe("energy-ledger serve: unexpected argument now\nRun 'energy-ledger serve --help' for usage.\n");
  });

  it.each([
    [['--from', '1800', '--to', '7200'], '--from must be on a whole hour (UTC); got "1800"'],
    [['--from', '0', '--to', '7200', '--step', '30m'], '--step must be a whole number of hours (the ledger keeps hourly totals); got "30m"'],
  ])('the real report rejects %j before reading anything, with exit 2 naming the flag', async (args, message) => {
    const { io, stdout, stderr } = memoryIo();
    expect(await main(['report', '--prometheus-url', 'http://127.0.0.1:9', ...args], io)).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toBe(`energy-ledger report: ${message}\nRun 'energy-ledger report --help' for usage.\n`);
  });
});

describe('the command registry', () => {
  it('lists every command once, and the implementations main hands over to are those of the registry', async () => {
    expect(Object.keys(COMMANDS).sort()).toEqual(['check-config', 'demo', 'report', 'rules', 'serve']);
    expect(IMPLEMENTATIONS).toEqual({
      serve: COMMANDS.serve.implementation,
      report: COMMANDS.report.implementation,
      rules: COMMANDS.rules.implementation,
      demo: COMMANDS.demo.implementation,
    });
    expect(typeof (await COMMANDS.rules.implementation())).toBe('function');
  });

  it('says which command was meant for a misspelt one, and treats inherited names as unknown', async () => {
    const typo = memoryIo();
    expect(await main(['rulez'], typo.io, {})).toBe(2);
    expect(typo.stderr()).toContain('unknown command "rulez" (did you mean rules?)');
    const inherited = memoryIo();
    expect(await main(['toString'], inherited.io, {})).toBe(2);
    expect(inherited.stderr()).toContain('unknown command "toString"');
  });
});
