/**
 * Prometheus' default lookback delta (`--query.lookback-delta`, 5 minutes): an instant query sees a series whose
 * newest sample is at most this old. So a series with a sample this close before an instant was already there,
 * and a node silent for longer is gone.
 */
export const PROMETHEUS_LOOKBACK_SECONDS = 300;
