/**
 * One gzip member (RFC 1952) assembled from a large prefix compressed once and a small suffix compressed per
 * call: the prefix's deflate stream is sync-flushed (byte-aligned, not final), so the suffix's own deflate stream
 * can follow it, and the trailer's CRC-32 continues from the prefix's. Decoders that read only one member
 * (`curl --compressed`, browsers) get the whole body, as do Go's (Prometheus) and Node's.
 */
import { promisify } from 'node:util';
import { constants, crc32, deflateRaw } from 'node:zlib';

const deflateRawAsync = promisify(deflateRaw);

/** gzip header: deflate, no flags, no time, unknown OS. */
const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);

/** A compressed prefix, with what the trailer needs of it. */
export interface GzipPrefix {
  /** Raw deflate blocks, none final, ending on a byte boundary. */
  readonly deflated: Buffer;
  readonly crc: number;
  readonly length: number;
}

/** Compresses `bytes` (off the event loop) into the open start of a gzip member. */
export async function gzipPrefix(bytes: Buffer): Promise<GzipPrefix> {
  const deflated = await deflateRawAsync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
  return { deflated, crc: crc32(bytes), length: bytes.length };
}

/** The gzip member of `prefix` followed by `suffix`, as chunks to write in order. */
export async function gzipMember(prefix: GzipPrefix, suffix: Buffer): Promise<Buffer[]> {
  const tail = await deflateRawAsync(suffix);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(suffix, prefix.crc) >>> 0, 0);
  trailer.writeUInt32LE((prefix.length + suffix.length) % 2 ** 32, 4);
  return [HEADER, prefix.deflated, tail, trailer];
}
