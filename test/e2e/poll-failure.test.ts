import { describe, expect, it } from 'vitest';
import { hourStart } from '../../src/core/time.js';
import type { SampleSource } from '../../src/read/sample-source.js';
import { startPrometheus } from '../support/prometheus-server.js';
import { waitFor } from '../support/wait-for.js';
import { byLabel, scrape, startLiveCluster, startService, storedScrapes, storedSpanTruth, valueOf, type ExpositionSample, type LiveCluster, type RunningService } from './live-support.js';

const JOB = 'kepler';
const watermark = (m: readonly ExpositionSample[]): number => valueOf(m, 'energy_ledger_data_watermark_timestamp_seconds') ?? 0;
const settings = (url: string): Record<string, unknown> => ({ prometheus: { url, timeout: '2s', retries: 0 }, interval: '1s', backfill: '1h' });
const errors = (m: readonly ExpositionSample[], reason: string): number => valueOf(m, 'energy_ledger_poll_errors_total', { reason }) ?? 0;
const joules = (m: readonly ExpositionSample[]): Map<string, number> => byLabel(m, 'energy_ledger_namespace_energy_joules_total', 'namespace');

/** Waits until the service has read Kepler data for every namespace of the cluster. */
function waitForData(service: RunningService, cluster: LiveCluster, timeoutMs = 30_000): Promise<ExpositionSample[]> {
  return waitFor(async () => {
    const m = await scrape(service.url);
    return [...joules(m).values()].filter((j) => j > 0).length >= cluster.scenario.namespaces.length && m;
  }, timeoutMs, 200);
}

/** Stops the scrapes, waits until every service has polled past the last stored sample, and returns their metrics. */
async function settle(cluster: LiveCluster, services: readonly RunningService[]): Promise<ExpositionSample[][]> {
  cluster.stopScrapes();
  const stopped = Date.now() / 1000;
  return Promise.all(
    services.map((s) =>
      waitFor(async () => {
        const m = await scrape(s.url);
        return (valueOf(m, 'energy_ledger_last_poll_success_timestamp_seconds') ?? 0) > stopped + 1 && m;
      }, 20_000, 200),
    ),
  );
}

/** Every namespace's joules within 1 % of the ground truth of what Prometheus stored. */
async function expectTruth(cluster: LiveCluster, prometheusUrl: string, m: readonly ExpositionSample[]): Promise<number> {
  const expected = storedSpanTruth(cluster, await storedScrapes(prometheusUrl, 'v0.10+', JOB));
  const got = joules(m);
  expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
  const worst = Math.max(...[...expected].map(([ns, j]) => Math.abs(got.get(ns)! - j) / j));
  expect(worst).toBeLessThan(0.01);
  return worst;
}

/** A source that counts requests in flight, and how many were in flight whenever a poll began with detection (the first, and every one after a failure). */
class InFlightSource implements SampleSource {
  inFlight = 0;
  polls = 0;
  maxInFlightAtPollStart = 0;

  constructor(private readonly inner: SampleSource) {}

  fetchRange(...args: Parameters<SampleSource['fetchRange']>): ReturnType<SampleSource['fetchRange']> {
    return this.track(() => this.inner.fetchRange(...args));
  }

  presentMetricNames(...args: Parameters<SampleSource['presentMetricNames']>): ReturnType<SampleSource['presentMetricNames']> {
    this.polls++;
    this.maxInFlightAtPollStart = Math.max(this.maxInFlightAtPollStart, this.inFlight);
    return this.track(() => this.inner.presentMetricNames(...args));
  }

  private async track<T>(request: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await request();
    } finally {
      this.inFlight--;
    }
  }
}

// Each test has its own simulated cluster, Prometheus (free port, own data dir) and service: they run together.
describe.concurrent('poll failures against a real Prometheus', () => {
  it('is not ready while Prometheus is down at start, counts unreachable polls, retries and becomes ready once it appears', async () => {
    const cluster = await startLiveCluster('v0.10+', 31);
    const prometheus = await startPrometheus({ scrapeConfigs: [cluster.scrapeConfig(JOB)] });
    await prometheus.kill('SIGKILL');
    const service = await startService(settings(prometheus.url));
    try {
      const down = await waitFor(async () => {
        const m = await scrape(service.url);
        return errors(m, 'unreachable') >= 2 && m;
      }, 15_000, 200);
      expect(valueOf(down, 'energy_ledger_up')).toBe(0);
      expect(valueOf(down, 'energy_ledger_last_poll_success_timestamp_seconds')).toBe(0);
      const notReady = await fetch(`${service.url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.text()).toMatch(/backfill/);
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200);

      await prometheus.restart();
      await waitFor(async () => (await fetch(`${service.url}/readyz`)).status === 200, 15_000, 200);
      const up = await waitForData(service, cluster);
      expect(valueOf(up, 'energy_ledger_up')).toBe(1);
      expect(errors(up, 'unreachable')).toBeGreaterThanOrEqual(errors(down, 'unreachable'));
    } finally {
      await service.stop();
      await prometheus.stop();
      await cluster.close();
    }
  }, 90_000);

  it('keeps the last good ledger while Prometheus is killed, then catches up to the hours of a run that never saw the outage', async () => {
    const cluster = await startLiveCluster('v0.10+', 32);
    const prometheus = await startPrometheus({ scrapeConfigs: [cluster.scrapeConfig(JOB)] });
    const services: RunningService[] = [];
    try {
      services.push(await startService(settings(prometheus.url)));
      const interrupted = services[0]!;
      const data = await waitForData(interrupted, cluster);
      // A poll after the backfill, so the ledger that must be kept is not just the backfill's.
      await waitFor(async () => watermark(await scrape(interrupted.url)) > watermark(data), 10_000, 100);

      await prometheus.kill('SIGKILL');
      const killedAt = Date.now() / 1000;
      const first = await waitFor(async () => {
        const m = await scrape(interrupted.url);
        return valueOf(m, 'energy_ledger_up') === 0 && m;
      }, 10_000, 100);
      // At least two more unreachable polls within 4 s (1 s interval).
      const later = await waitFor(async () => {
        const m = await scrape(interrupted.url);
        return errors(m, 'unreachable') >= errors(first, 'unreachable') + 2 && m;
      }, 4_000, 100);
      expect(valueOf(later, 'energy_ledger_up')).toBe(0);
      expect(joules(later)).toEqual(joules(first));
      expect((await fetch(`${interrupted.url}/readyz`)).status).toBe(200);

      // Same port, same data dir: the samples in the WAL come back.
      await prometheus.restart();
      const restartedAt = Date.now() / 1000;
      await waitFor(async () => {
        const m = await scrape(interrupted.url);
        return valueOf(m, 'energy_ledger_up') === 1 && watermark(m) > restartedAt + 1 && m;
      }, 30_000, 200);

      // A second instance reads the same Prometheus only now, in one backfill: it never saw the outage.
      services.push(await startService(settings(prometheus.url)));
      const fresh = services[1]!;
      await waitForData(fresh, cluster);
      const [a, b] = (await settle(cluster, services)) as [ExpositionSample[], ExpositionSample[]];

      const scrapes = await storedScrapes(prometheus.url, 'v0.10+', JOB);
      for (const times of scrapes.values()) {
        expect(times[0]!).toBeLessThan(killedAt);
        const gap = Math.max(...times.slice(1).map((t, i) => t - times[i]!));
        expect(gap).toBeGreaterThan(4); // the outage is inside the stored span
      }
      expect(joules(b)).toEqual(joules(a));
      expect(byLabel(b, 'energy_ledger_node_energy_joules_total', 'node')).toEqual(byLabel(a, 'energy_ledger_node_energy_joules_total', 'node'));
      expect(valueOf(b, 'energy_ledger_data_watermark_timestamp_seconds')).toBe(valueOf(a, 'energy_ledger_data_watermark_timestamp_seconds'));
      const from = hourStart(cluster.scenario.start);
      const hours = await Promise.all(services.map(async (s) => ((await (await fetch(`${s.url}/api/v1/hours?from=${from}`)).json()) as { hours: unknown[] }).hours));
      expect(hours[0]!.length).toBeGreaterThanOrEqual(cluster.scenario.namespaces.length);
      expect(hours[1]).toEqual(hours[0]);
      // Kepler's counters span the outage, so no energy is lost: the truth includes the outage.
      console.info(`poll-failure kill/restart: worst namespace error vs truth ${await expectTruth(cluster, prometheus.url, a)}`);
    } finally {
      await Promise.all(services.map((s) => s.stop()));
      await prometheus.stop();
      await cluster.close();
    }
  }, 120_000);

  it('times out polls one at a time while Prometheus is stopped with SIGSTOP and recovers after SIGCONT', async () => {
    const cluster = await startLiveCluster('v0.10+', 33);
    const prometheus = await startPrometheus({ scrapeConfigs: [cluster.scrapeConfig(JOB)] });
    let source: InFlightSource | undefined;
    const service = await startService(settings(prometheus.url), (inner) => (source = new InFlightSource(inner)));
    try {
      await waitForData(service, cluster);
      const pausedAt = Date.now() / 1000;
      await prometheus.pause();
      // Counted from here on, no poll can succeed: every one in the window waits for its timeout.
      const before = await scrape(service.url);
      const timeoutsSince = async (count: number): Promise<ExpositionSample[]> =>
        waitFor(async () => {
          const m = await scrape(service.url);
          return errors(m, 'timeout') - errors(before, 'timeout') >= count && m;
        }, 8_000 - (Date.now() / 1000 - pausedAt) * 1000, 100);
      // At least one timed-out poll between the two snapshots, and two within 8 s of the pause.
      const midway = await timeoutsSince(1);
      const during = await timeoutsSince(2);
      const duringAt = Date.now() / 1000;
      prometheus.resume();
      const resumedAt = Date.now() / 1000;

      const timeouts = errors(during, 'timeout') - errors(before, 'timeout');
      const polls = valueOf(during, 'energy_ledger_poll_duration_seconds_count')! - valueOf(before, 'energy_ledger_poll_duration_seconds_count')!;
      const pollSeconds = valueOf(during, 'energy_ledger_poll_duration_seconds_sum')! - valueOf(before, 'energy_ledger_poll_duration_seconds_sum')!;
      console.info(`poll-failure SIGSTOP: ${timeouts} timeouts, ${polls} polls taking ${pollSeconds.toFixed(2)} s in ${(duringAt - pausedAt).toFixed(2)} s`);
      expect(valueOf(during, 'energy_ledger_up')).toBe(0);
      expect(timeouts).toBeGreaterThanOrEqual(2);
      // Each timed-out poll lasts the 2 s timeout; polls run one after another, so together they fit in the pause.
      expect(pollSeconds / polls).toBeGreaterThan(1.5);
      expect(pollSeconds).toBeLessThan(duringAt - pausedAt + 2.5);
      expect(polls).toBeLessThanOrEqual(Math.ceil((duringAt - pausedAt) / 2) + 1);
      expect(joules(during)).toEqual(joules(midway)); // the last good ledger stays published

      const recovered = await waitFor(async () => {
        const m = await scrape(service.url);
        return valueOf(m, 'energy_ledger_up') === 1 && (valueOf(m, 'energy_ledger_data_watermark_timestamp_seconds') ?? 0) > resumedAt + 1 && m;
      }, 20_000, 200);
      expect(joules(recovered)).not.toEqual(joules(during));
      const [final] = (await settle(cluster, [service])) as [ExpositionSample[]];
      // Detection (presentMetricNames) starts the first poll and every poll after a failed one.
      expect(source!.polls).toBeGreaterThanOrEqual(timeouts + 1);
      expect(source!.maxInFlightAtPollStart).toBe(0);
      expect(source!.inFlight).toBe(0);
      console.info(`poll-failure SIGSTOP: worst namespace error vs truth ${await expectTruth(cluster, prometheus.url, final)}`);
    } finally {
      await service.stop();
      await prometheus.stop();
      await cluster.close();
    }
  }, 90_000);
});
