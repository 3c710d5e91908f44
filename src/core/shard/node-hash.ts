/** A replica's share of the nodes: shard `index` of `count` (`--shard index/count`). */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * 32-bit FNV-1a of the UTF-8 bytes of `text`, as an unsigned integer. Stable across processes,
 * versions and platforms (no seed), so every replica assigns a node to the same shard.
 */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET;
  for (const byte of utf8(text)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash >>> 0;
}

/** The shard that owns a node: `fnv1a32(node) mod count`. */
export function shardOfNode(node: string, count: number): number {
  return fnv1a32(node) % count;
}

/** `index/count` → the shard, or a message saying what is wrong. */
export function parseShard(text: string): ShardSpec | string {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (match === null) return `expected i/N such as 0/4 (shard i of N, counted from 0), got ${JSON.stringify(text)}`;
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) return `N must be at least 1, got ${JSON.stringify(text)}`;
  if (index >= count) return `i must be less than N (shards are numbered 0 to N−1), got ${JSON.stringify(text)}`;
  return { index, count };
}

/** UTF-8 bytes of a string (surrogate pairs as one 4-byte code point; a lone surrogate as U+FFFD, as TextEncoder does). */
function* utf8(text: string): Generator<number> {
  for (const ch of text) {
    let c = ch.codePointAt(0) as number;
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) yield c;
    else if (c < 0x800) {
      yield 0xc0 | (c >> 6);
      yield 0x80 | (c & 0x3f);
    } else if (c < 0x10000) {
      yield 0xe0 | (c >> 12);
      yield 0x80 | ((c >> 6) & 0x3f);
      yield 0x80 | (c & 0x3f);
    } else {
      yield 0xf0 | (c >> 18);
      yield 0x80 | ((c >> 12) & 0x3f);
      yield 0x80 | ((c >> 6) & 0x3f);
      yield 0x80 | (c & 0x3f);
    }
  }
}
