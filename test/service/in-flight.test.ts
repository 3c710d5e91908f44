import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/core/ledger/index.js';
import { DEFAULT_CLASSIFY_OPTIONS } from '../../src/core/schema/index.js';
import type { RawSeries, SchemaId } from '../../src/core/types.js';
import { KeplerReader } from '../../src/read/kepler-reader.js';
import type { LedgerChangeHooks } from '../../src/read/published-hours.js';
import type { RangeRequest, SampleSource } from '../../src/read/sample-source.js';
import { testPoller } from '../support/test-poller.js';
import { waitFor } from '../support/wait-for.js';

const ORIGIN = 1_800_000_000; // a whole hour
const STEP = 60;
const PODS = 6;
const SLOW_MS = 150;

/** What one request does: answer, fail at once, hang until its signal aborts, or answer late whatever the signal says. */
type Behaviour = 'answer' | 'fail' | 'hang' | 'slow';

/**
 * An in-memory Kepler (v0.10+ pods growing (1 + pod) W, build info of v0.10+ and v0.4–v0.9) behind a
 * wrapper that counts the requests in flight and behaves per request as `behave` says.
 */
class InFlightSource implements SampleSource {
  inFlight = 0;
  aborted = 0;
  /** Whether chunks' pod samples carry one timestamp more than values (the ledger throws on such a series). */
  malformed = false;
  behave: (request: RangeRequest) => Behaviour = () => 'answer';

  async fetchRange(request: RangeRequest, signal?: AbortSignal): Promise<RawSeries[]> {
    this.inFlight++;
    try {
      switch (this.behave(request)) {
        case 'fail':
          await sleep(5);
          throw new Error(`failed to read ${request.selector}: connection reset (test)`);
        case 'hang':
          return await new Promise<never>((_, reject) => {
            const onAbort = (): void => {
              this.aborted++;
              reject(new Error('failed to read samples: aborted (test)', { cause: signal?.reason }));
            };
            if (signal?.aborted) onAbort();
            else signal?.addEventListener('abort', onAbort, { once: true });
          });
        case 'slow':
          await sleep(SLOW_MS);
          return this.answer(request);
        default:
          return this.answer(request);
      }
    } finally {
      this.inFlight--;
    }
  }

  async presentMetricNames(names: readonly string[]): Promise<Set<string>> {
    const present = ['kepler_build_info', 'kepler_pod_cpu_joules_total', 'kepler_exporter_build_info', 'kepler_container_package_joules_total'];
    return new Set(names.filter((n) => present.includes(n)));
  }

  private answer(request: RangeRequest): RawSeries[] {
    if (request.selector.startsWith('kepler_build_info')) return [this.buildInfo('kepler_build_info', '0.10.2', request.end)];
    if (request.selector.startsWith('kepler_exporter_build_info')) return [this.buildInfo('kepler_exporter_build_info', '0.7.11', request.end)];
    if (!request.selector.startsWith('kepler_pod_cpu_joules_total')) return [];
    const times: number[] = [];
    for (let t = ORIGIN - 600; t <= request.end; t += STEP) if (t > request.start) times.push(t);
    return Array.from({ length: PODS }, (_, pod) => ({
      labels: {
        __name__: 'kepler_pod_cpu_joules_total',
        node_name: 'node-a',
        pod_id: `uid-${pod}`,
        pod_name: `pod-${pod}`,
        pod_namespace: `ns-${pod % 2}`,
        zone: 'package',
      },
      timestamps: this.malformed ? [...times, request.end + 1] : times,
      values: times.map((t) => 1000 + (1 + pod) * (t - ORIGIN)),
    }));
  }

  private buildInfo(name: string, version: string, end: number): RawSeries {
    return { labels: { __name__: name, version }, timestamps: [end - 30], values: [1] };
  }
}

function reader(source: SampleSource, schema: 'auto' | SchemaId): KeplerReader {
  return new KeplerReader({ source, schema, classify: DEFAULT_CLASSIFY_OPTIONS });
}

/** A poller two and a bit hours after the origin, reading in one-hour chunks (three reads in a backfill). */
function poller(source: SampleSource, schema: 'auto' | SchemaId = 'v0.10+', ledgerChanges?: LedgerChangeHooks) {
  const ledger = new Ledger({ origin: ORIGIN, windows: [{ label: '1h', seconds: 3600 }] });
  const now = ORIGIN + 2 * 3600 + 120;
  const poll = testPoller({ reader: reader(source, schema), ledger, now: () => now, ...(ledgerChanges !== undefined && { ledgerChanges }) });
  return { poll, ledger, now };
}

/** Whether a request reads the pods' samples of the chunk after the first one of the backfill. */
const secondChunkPods = (r: RangeRequest): boolean => r.selector.startsWith('kepler_pod_cpu_joules_total') && r.start > ORIGIN;

describe('KeplerReader.detect with two schemas (mid-upgrade)', () => {
  it('reports the version of both schemas when no read fails', async () => {
    const source = new InFlightSource();
    const detected = await reader(source, 'auto').detect(ORIGIN);
    expect(detected).toEqual([
      { schema: 'v0.10+', version: '0.10.2' },
      { schema: 'v0.4-v0.9', version: '0.7.11' },
    ]);
  });

  it('aborts the other version read when one fails and rejects only once nothing is in flight', async () => {
    const source = new InFlightSource();
    source.behave = (r) => (r.selector.startsWith('kepler_build_info') ? 'fail' : r.selector.startsWith('kepler_exporter_build_info') ? 'hang' : 'answer');
    await expect(reader(source, 'auto').detect(ORIGIN)).rejects.toThrow(/failed to read kepler_build_info/);
    expect(source.inFlight).toBe(0);
    expect(source.aborted).toBe(1);
  });

  it('waits for a version read that ignores the abort before rejecting', async () => {
    const source = new InFlightSource();
    source.behave = (r) => (r.selector.startsWith('kepler_exporter_build_info') ? 'fail' : r.selector.startsWith('kepler_build_info') ? 'slow' : 'answer');
    const began = performance.now();
    await expect(reader(source, 'auto').detect(ORIGIN)).rejects.toThrow(/failed to read kepler_exporter_build_info/);
    expect(source.inFlight).toBe(0);
    expect(performance.now() - began).toBeGreaterThanOrEqual(SLOW_MS - 5);
  });

  it('passes an abort of the caller on to both version reads', async () => {
    const source = new InFlightSource();
    source.behave = (r) => (r.selector.includes('build_info') ? 'hang' : 'answer');
    const caller = new AbortController();
    const detecting = reader(source, 'auto').detect(ORIGIN, caller.signal);
    await waitFor(() => source.inFlight === 2, 5_000, 1); // both version reads started
    caller.abort();
    await expect(detecting).rejects.toThrow(/aborted/);
    expect(source.inFlight).toBe(0);
    expect(source.aborted).toBe(2);
  });
});

describe('Poller.pollOnce', () => {
  it('fails a poll whose detection fails with no read left in flight', async () => {
    const source = new InFlightSource();
    source.behave = (r) => (r.selector.startsWith('kepler_build_info') ? 'fail' : r.selector.includes('build_info') ? 'hang' : 'answer');
    const { poll } = poller(source, 'auto');
    expect(await poll.pollOnce()).toBe(false);
    expect(source.inFlight).toBe(0);
    expect(source.aborted).toBe(1);
  });

  it('aborts the prefetched read of the next chunk when ingesting a chunk throws, and returns once it settled', async () => {
    const source = new InFlightSource();
    source.malformed = true;
    let prefetched = 0;
    source.behave = (r) => (secondChunkPods(r) ? (prefetched++, 'hang') : 'answer');
    const { poll } = poller(source);
    expect(await poll.pollOnce()).toBe(false);
    expect(prefetched).toBe(1);
    expect(source.inFlight).toBe(0);
    expect(source.aborted).toBe(1);
    expect(poll.ready).toBe(false);
  });

  it('waits for a prefetched read that ignores the abort when ingesting a chunk throws', async () => {
    const source = new InFlightSource();
    source.malformed = true;
    source.behave = (r) => (secondChunkPods(r) ? 'slow' : 'answer');
    const { poll } = poller(source);
    const began = performance.now();
    expect(await poll.pollOnce()).toBe(false);
    expect(source.inFlight).toBe(0);
    expect(performance.now() - began).toBeGreaterThanOrEqual(SLOW_MS - 5);
  });

  it('publishes before returning when ingesting throws during shutdown, so requests waiting for the publication resume', async () => {
    const source = new InFlightSource();
    source.malformed = true;
    const shutdown = new AbortController();
    source.behave = (r) => (secondChunkPods(r) ? (shutdown.abort(), 'hang') : 'answer');
    const calls: string[] = [];
    const { poll } = poller(source, 'v0.10+', { changing: () => calls.push('changing'), published: () => calls.push('published') });
    expect(await poll.pollOnce(shutdown.signal)).toBe(false);
    expect(calls).toContain('changing');
    expect(calls.at(-1)).toBe('published');
    expect(source.inFlight).toBe(0);
  });

  it('completes the backfill on the next poll once the samples are well formed again', async () => {
    const source = new InFlightSource();
    source.malformed = true;
    source.behave = (r) => (secondChunkPods(r) ? 'hang' : 'answer');
    const { poll, ledger } = poller(source);
    expect(await poll.pollOnce()).toBe(false);
    source.malformed = false;
    source.behave = () => 'answer';
    expect(await poll.pollOnce()).toBe(true);
    expect(source.inFlight).toBe(0);
    expect(poll.ready).toBe(true);
    expect(ledger.stats().series).toBe(PODS);
  });
});
