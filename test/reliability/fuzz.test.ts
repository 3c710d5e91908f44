/**
 * Fuzzing of every parser that reads outside input: Prometheus responses (fast and strict paths),
 * configuration files and environment variables, selectors, listen addresses and API queries.
 * Each must return a value or throw its own error type with a readable one-line message; nothing
 * else may escape. (Durations and times are fuzzed in test/core/duration.test.ts and time.test.ts.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, ENV_VARIABLES, loadConfig } from '../../src/config/index.js';
import { parseSelector, SelectorError, selectorProblem } from '../../src/core/schema/selector.js';
import { parseHoursQuery } from '../../src/http/app.js';
import { PrometheusError } from '../../src/prometheus/errors.js';
import { fastParse } from '../../src/prometheus/fast-parse.js';
import { parseEnvelope, parseQueryData } from '../../src/prometheus/parse.js';

const RUNS = { numRuns: 400 };

/** What the client does with a 2xx body: the fast path, else the strict one, then the query data. */
function decode(body: Buffer): unknown {
  const fast = fastParse(body);
  if (fast?.matrix !== undefined) return fast.matrix;
  const envelope = fast?.envelope ?? parseEnvelope(body.toString('utf8'));
  return envelope.status === 'success' ? parseQueryData(envelope.data) : envelope;
}

function expectBadResponse(fn: () => unknown): void {
  try {
    const result = fn();
    if (result !== null && typeof result === 'object' && 'series' in result) {
      for (const s of (result as { series: { timestamps: ArrayLike<number>; values: ArrayLike<number> }[] }).series) {
        expect(s.values.length).toBe(s.timestamps.length);
      }
    }
  } catch (error) {
    expect(error).toBeInstanceOf(PrometheusError);
    expect((error as PrometheusError).reason).toBe('bad_response');
    expect((error as Error).message).toMatch(/^failed to parse Prometheus response: \S/);
    expect((error as Error).message.length).toBeLessThan(300);
  }
}

const sample = fc.tuple(fc.oneof(fc.double(), fc.integer()), fc.oneof(fc.string(), fc.constantFrom('1', '1e3', 'NaN', '+Inf', '-Inf', '0x10', '')));
const labels = fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxKeys: 3 });
/** Bodies close to real ones: the right envelope with wrong types, odd values and odd nesting. */
const nearlyValid = fc
  .record({
    status: fc.constantFrom('success', 'error', 'pending', 1),
    data: fc.oneof(
      fc.record({
        resultType: fc.constantFrom('matrix', 'vector', 'scalar', 'string', 'histogram'),
        result: fc.oneof(fc.array(fc.record({ metric: labels, values: fc.array(sample, { maxLength: 4 }), value: sample })), sample, fc.jsonValue()),
      }),
      fc.jsonValue(),
    ),
    warnings: fc.option(fc.oneof(fc.array(fc.string()), fc.jsonValue()), { nil: undefined }),
  })
  .map((o) => JSON.stringify(o));

describe('Prometheus response parsing never crashes', () => {
  it('on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => expectBadResponse(() => decode(Buffer.from(bytes)))), RUNS);
  });

  it('on any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => expectBadResponse(() => decode(Buffer.from(JSON.stringify(value) ?? 'null')))), RUNS);
  });

  it('on nearly valid envelopes, whole or cut at any byte', () => {
    fc.assert(
      fc.property(nearlyValid, fc.nat(), (text, cut) => {
        expectBadResponse(() => decode(Buffer.from(text)));
        expectBadResponse(() => decode(Buffer.from(text).subarray(0, cut % (text.length + 1))));
      }),
      RUNS,
    );
  });
});

const configValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('30s', '5m', '0s', '-1h', '1h30', 'http://p:9090', '{a="b"}', ':9464', 'auto', 'v0.3', '[]', '{}'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
);
const KEYS = ['prometheus', 'listen', 'interval', 'overlap', 'backfill', 'retention', 'windows', 'group_by', 'timezone', 'kepler', 'max_namespaces', 'log_level', 'carbon', 'cost', 'intervall'];
const NESTED = ['url', 'timeout', 'tls', 'basic_auth', 'headers', 'selector', 'retries', 'schema', 'components', 'ca_file', 'username'];
const configObject = fc.dictionary(
  fc.constantFrom(...KEYS),
  fc.oneof(configValue, fc.dictionary(fc.constantFrom(...NESTED), fc.oneof(configValue, fc.dictionary(fc.constantFrom(...NESTED), configValue, { maxKeys: 2 })), { maxKeys: 3 })),
  { maxKeys: 5 },
);

function expectConfigOrProblems(load: () => unknown): void {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) {
      expect(p).toMatch(/\S: \S/);
      expect(p).not.toMatch(/\n/);
      expect(p.length).toBeLessThan(400);
    }
  }
}

describe('configuration parsing never crashes', () => {
  it('on random text as a YAML file', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => expectConfigOrProblems(() => loadConfig({ file: { text, name: 'c.yaml' } }))), RUNS);
  });

  it('on random mappings of known and unknown keys to values of every type', () => {
    fc.assert(
      fc.property(configObject, (object) => expectConfigOrProblems(() => loadConfig({ file: { text: stringify(object), name: 'c.yaml' } }))),
      RUNS,
    );
  });

  it('on random environment variables', () => {
    const names = ENV_VARIABLES.map((v) => v.name);
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), fc.string({ maxLength: 30 }), { maxKeys: 4 }), (env) =>
        expectConfigOrProblems(() => loadConfig({ env })),
      ),
      RUNS,
    );
  });
});

describe('other parsers of outside input never crash', () => {
  it('selectors: a problem string or matchers, SelectorError only', () => {
    const text = fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(/^\{[a-z_=~!"\\,.* ]{0,30}\}$/));
    fc.assert(
      fc.property(text, (s) => {
        const problem = selectorProblem(s);
        if (problem !== undefined) expect(problem).not.toBe('');
        try {
          parseSelector(s);
        } catch (error) {
          expect(error).toBeInstanceOf(SelectorError);
        }
      }),
      RUNS,
    );
  });

  it('listen addresses: host and port, or ConfigError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 30 }), fc.stringMatching(/^[[\]a-z0-9.:]{0,20}$/)), (s) => {
        try {
          const { port } = loadConfig({ flags: { listen: s } }).listen;
          expect(port).toBeGreaterThanOrEqual(0);
          expect(port).toBeLessThanOrEqual(65535);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
        }
      }),
      RUNS,
    );
  });

  it('the hours API query: a filter or an error message, for any query object', () => {
    const value = fc.oneof(fc.string({ maxLength: 30 }), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 })));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('from', 'to', 'namespace', 'x', '__proto__'), value, { maxKeys: 3 }), (query) => {
        const parsed = parseHoursQuery(query as never);
        if ('error' in parsed) expect(parsed.error).toMatch(/\S/);
      }),
      RUNS,
    );
  });
});
