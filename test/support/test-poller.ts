import { Poller, type PollerOptions } from '../../src/service/poller.js';
import { ServiceMetrics } from '../../src/exposition/service-metrics.js';
import { createLogger } from '../../src/log.js';

/**
 * A Poller with the settings the service tests share: a silent logger, `namespace`/`node` labels,
 * one-minute polls with a one-minute overlap, a five-minute lookback and one-hour chunks.
 */
export function testPoller(
  options: Pick<PollerOptions, 'reader' | 'ledger' | 'now'> &
    Partial<Pick<PollerOptions, 'metrics' | 'ledgerChanges' | 'intervalSeconds' | 'overlapSeconds' | 'adaptiveOverlap'>>,
): Poller {
  return new Poller({
    metrics: new ServiceMetrics('0.0.0-test'),
    logger: createLogger({ level: 'error', destination: { write: () => undefined } }),
    labels: { namespaceLabels: ['namespace'], nodeLabels: ['node'] },
    intervalSeconds: 60,
    overlapSeconds: 60,
    lookbackSeconds: 300,
    chunkSeconds: 3600,
    ...options,
  });
}
