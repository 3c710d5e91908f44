import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';
import { PrometheusClient } from '../prometheus/client.js';
import { PrometheusSource } from '../prometheus/source.js';

/** The Prometheus client and sample source the config describes; warnings go to the log. */
export function prometheusFromConfig(config: Config, logger: Logger): { client: PrometheusClient; source: PrometheusSource } {
  const client = new PrometheusClient({
    ...config.prometheus,
    onWarning: (warning, expr) => logger.warn({ warning, expr }, 'Prometheus returned a warning'),
  });
  const source = new PrometheusSource(client, {
    maxRangeSeconds: config.prometheus.maxRangeSeconds,
    selector: config.prometheus.selector,
  });
  return { client, source };
}
