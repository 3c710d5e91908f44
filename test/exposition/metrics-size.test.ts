import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countSamples } from '../../src/exposition/body-size.js';
import { createMetricsRegistry } from '../../src/exposition/registry.js';
import { METRICS } from '../../src/exposition/names.js';
import { ns, snapshotOf } from './snapshots.js';

/** The value of an unlabelled gauge in an exposition. */
function gauge(body: string, name: string): number {
  const line = body.split('\n').find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no ${name} in the body`);
  return Number(line.slice(name.length + 1));
}

const sampleLines = (body: string): number => body.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;

describe('/metrics size gauges', () => {
  it('count sample lines, not comments or blank lines, in text and bytes alike', () => {
    const text = '# HELP a x\n# TYPE a gauge\na 1\na{b="#"} 2\n\nc 3\n';
    expect(countSamples(text)).toBe(3);
    expect(countSamples(Buffer.from(text))).toBe(3);
    expect(countSamples('')).toBe(0);
  });

  it('count what a line-by-line split counts, for any text of lines, comments, blanks and unicode', () => {
    const text = fc.array(fc.constantFrom('a', '#', '\n', ' ', '{', 'é', '\r'), { maxLength: 60 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(text, (body) => {
        expect(countSamples(body)).toBe(sampleLines(body));
        expect(countSamples(Buffer.from(body))).toBe(sampleLines(body));
      }),
    );
  });

  it('report the series and bytes of the energy part of the body that carries them, and follow the snapshot', async () => {
    let snapshot = snapshotOf([ns('shop', 1), ns('web', 2)]);
    const reg = createMetricsRegistry({ snapshot: () => snapshot, version: '1.0.0' });
    const check = async (): Promise<number> => {
      const chunks = await reg.metricsChunks();
      const body = Buffer.concat(chunks).toString('utf8');
      const energy = chunks[0]!.toString('utf8');
      expect(energy).toContain('energy_ledger_namespace_energy_watt_hours{');
      expect(energy).not.toContain('energy_ledger_up');
      expect(gauge(body, METRICS.metricsSeries.name)).toBe(sampleLines(energy));
      expect(gauge(body, METRICS.metricsBytes.name)).toBe(chunks[0]!.length);
      // The string form is the same body.
      expect(await reg.metrics()).toBe(body);
      return sampleLines(energy);
    };
    const two = await check();
    // 500 more namespaces: 6 more series each here (1 counter, 3 windows, 2 periods).
    snapshot = snapshotOf([ns('shop', 1), ns('web', 2), ...Array.from({ length: 500 }, (_, i) => ns(`ci-${i}`, i + 1))]);
    expect((await check()) - two).toBe(500 * 6);
  });
});
