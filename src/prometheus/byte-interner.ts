/**
 * Strings of byte ranges of one buffer, one instance per distinct content, found without decoding the
 * bytes first: a response's label values repeat across its series (job, node, namespace, zone …), so
 * the parser creates ~2 strings per series instead of ~14, and no garbage string per lookup.
 * Open addressing on a 32-bit FNV-1a hash of the bytes, compared byte by byte on a hit.
 */
export class ByteInterner {
  private slots = new Int32Array(1 << 12);
  private readonly starts: number[] = [];
  private readonly lengths: number[] = [];
  private readonly hashes: number[] = [];
  private readonly strings: string[] = [];

  constructor(private readonly b: Buffer) {}

  /** FNV-1a offset basis; fold each byte with {@link ByteInterner.step}. */
  static readonly SEED = 0x811c9dc5;

  /** One byte folded into an FNV-1a hash. */
  static step(hash: number, byte: number): number {
    return Math.imul(hash ^ byte, 0x01000193);
  }

  /** The string of bytes `[start, end)` (hashed with {@link step} from {@link SEED}), decoded as UTF-8 or, when `ascii`, Latin-1. */
  get(start: number, end: number, hash: number, ascii: boolean): string {
    const { b, slots, starts, lengths, hashes, strings } = this;
    const length = end - start;
    const mask = slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot] as number;
      if (entry === 0) break;
      const k = entry - 1;
      if (hashes[k] === hash && lengths[k] === length && this.same(starts[k] as number, start, length)) return strings[k] as string;
    }
    const value = b.toString(ascii ? 'latin1' : 'utf8', start, end);
    const k = strings.length;
    strings.push(value);
    starts.push(start);
    lengths.push(length);
    hashes.push(hash);
    this.insert(k, hash);
    if (2 * strings.length > slots.length) this.grow();
    return value;
  }

  private same(from: number, start: number, length: number): boolean {
    const b = this.b;
    for (let i = 0; i < length; i++) if (b[from + i] !== b[start + i]) return false;
    return true;
  }

  private insert(k: number, hash: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = k + 1;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let k = 0; k < this.strings.length; k++) this.insert(k, this.hashes[k] as number);
  }
}
