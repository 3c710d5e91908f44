/**
 * Reuses a text rendering while its stamp says it is current: the service metrics are rendered again
 * when `ServiceMetrics.revision` moved, the process metrics once their rendering is older than a max age.
 * The stamp is taken when a rendering *starts* (prom-client reads values across microtasks), so a change
 * made while one is under way makes the next call render again. Concurrent calls share one rendering; a
 * failed rendering is not kept. Nothing of prom-client is wrapped or read beyond its public `metrics()`.
 */

/** A text exposition, rendered again only when its stamp is no longer current. */
export interface RenderCache {
  /** The exposition text, shared with every call until it is stale. */
  text(): Promise<string>;
  /** The same text as UTF-8 bytes, encoded once per rendering. */
  bytes(): Promise<Buffer>;
}

/** How to render a part and when a rendering of it is still current. */
export interface RenderCacheOptions<Stamp> {
  /** Renders the text, e.g. `registry.metrics()`. */
  readonly render: () => Promise<string>;
  /** The stamp now: a revision counter, or a clock reading. */
  readonly stamp: () => Stamp;
  /** Whether a rendering stamped `renderedAt` is current at stamp `now`. */
  readonly isCurrent: (renderedAt: Stamp, now: Stamp) => boolean;
}

/** Returns a cache over `options.render` (see the file header). */
export function createRenderCache<Stamp>(options: RenderCacheOptions<Stamp>): RenderCache {
  let cached: { stamp: Stamp; text: Promise<string>; bytes?: Promise<Buffer> } | undefined;
  const entry = () => {
    const now = options.stamp();
    if (cached === undefined || !options.isCurrent(cached.stamp, now)) {
      const fresh: { stamp: Stamp; text: Promise<string>; bytes?: Promise<Buffer> } = { stamp: now, text: options.render() };
      fresh.text.catch(() => {
        if (cached === fresh) cached = undefined;
      });
      cached = fresh;
    }
    return cached;
  };
  return {
    text: () => entry().text,
    bytes() {
      const e = entry();
      e.bytes ??= e.text.then((t) => Buffer.from(t, 'utf8'));
      return e.bytes;
    },
  };
}
