/** Content negotiation of `/metrics` compression. */

/**
 * Whether an `Accept-Encoding` header accepts gzip: a `gzip` (or `x-gzip`) or `*` coding whose quality is
 * not 0 (RFC 9110 §12.5.3). An explicit `gzip;q=0` wins over `*`.
 */
export function acceptsGzip(header: string | readonly string[] | undefined): boolean {
  if (header === undefined) return false;
  const codings = (typeof header === 'string' ? header : header.join(',')).split(',').map((part) => {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return { name, accepted: q === undefined || Number(q.slice(2)) > 0 };
  });
  const named = codings.find((c) => c.name === 'gzip' || c.name === 'x-gzip');
  if (named !== undefined) return named.accepted;
  return codings.some((c) => c.name === '*' && c.accepted);
}
