/** The Kepler series the scale bench writes into TSDB blocks: where they end and how often they are sampled. */

/** The newest sample time, 2026-01-02T00:00:00Z (a whole hour). */
export const SCALE_END = 1_767_312_000;
/** Seconds between samples (the scrape interval). */
export const SCALE_SCRAPE = 30;
