/**
 * Energy of one group (a namespace or a node): a running total, a ring of fine buckets and a ring of
 * hour buckets, all in integer microjoules held in doubles (exact below 2^53 µJ ≈ 2.5 MWh per bucket).
 *
 * Rings are advanced lazily by the group's own newest bucket (`head`): a slot holds bucket `k` only
 * while `head − size < k ≤ head`. Readers therefore check the range; writers clear slots when `head`
 * moves. Energy for a bucket already behind the ring is dropped from the ring (it stays in the total).
 * This makes the content of every slot in range the exact sum of everything booked into it, whatever
 * the order of bookings, which is what keeps the ledger independent of batching.
 */

/** Total is kept as `hi · 2^40 + lo` µJ so it stays exact far beyond 2^53 µJ. */
const LIMB = 2 ** 40;

/**
 * `head` of a ring that holds nothing, below every bucket index. A small integer, not -Infinity: a
 * field that ever holds -Infinity is boxed (a 16-byte heap number per ring, three rings per group).
 */
const NO_HEAD = -(2 ** 30);

/**
 * Ring of integer-µJ buckets indexed by an absolute bucket number. A ring is dense (one slot per
 * bucket) while it is written to; {@link compact} turns a ring of a silent group into a sparse list of
 * its non-zero buckets, which reads the same, and the next write makes it dense again.
 */
export class BucketRing {
  private slots: Float64Array | null = null;
  /**
   * Compact form: `[k0, v0, k1, v1, …]` of the non-zero buckets in range; null when dense or empty. A
   * plain array: a typed array costs over 100 bytes of its own, more than a departed namespace's days.
   */
  private sparse: number[] | null = null;
  /** Newest bucket index written; meaningful only while `slots` or `sparse` is allocated (else {@link NO_HEAD}). */
  head = NO_HEAD;

  constructor(readonly size: number) {}

  /** Adds `microJoules` to bucket `k`; drops it when `k` is already behind the ring. */
  add(k: number, microJoules: number): void {
    if (this.sparse !== null) this.expand();
    let slots = this.slots;
    if (slots === null) {
      slots = this.slots = takeSlots(this.size);
      this.head = k;
    } else if (k > this.head) {
      const steps = k - this.head;
      if (steps >= this.size) slots.fill(0);
      else for (let j = this.head + 1; j <= k; j++) slots[j % this.size] = 0;
      this.head = k;
    } else if (k <= this.head - this.size) {
      return;
    }
    slots[k % this.size]! += microJoules;
  }

  /** Energy of bucket `k` in µJ (0 when the ring does not hold it). */
  get(k: number): number {
    if (k > this.head || k <= this.head - this.size) return 0;
    const slots = this.slots;
    if (slots !== null) return slots[k % this.size] as number;
    const sparse = this.sparse;
    if (sparse === null) return 0;
    for (let i = 0; i < sparse.length; i += 2) if (sparse[i] === k) return sparse[i + 1] as number;
    return 0;
  }

  /** Sum of buckets `from..to` (inclusive) in µJ, in bucket order; buckets the ring does not hold count 0. */
  sum(from: number, to: number): number {
    const lo = Math.max(from, this.head - this.size + 1);
    const hi = Math.min(to, this.head);
    let micro = 0;
    const slots = this.slots;
    if (slots !== null) {
      for (let k = lo; k <= hi; k++) micro += slots[k % this.size] as number;
      return micro;
    }
    const sparse = this.sparse;
    if (sparse !== null) {
      for (let i = 0; i < sparse.length; i += 2) {
        const k = sparse[i] as number;
        if (k >= lo && k <= hi) micro += sparse[i + 1] as number;
      }
    }
    return micro;
  }

  /** True when the ring holds nothing (never written, or released). */
  get empty(): boolean {
    return this.slots === null && this.sparse === null;
  }

  /** True while the ring is in its compact form. */
  get compacted(): boolean {
    return this.sparse !== null;
  }

  /** Frees the ring when it holds nothing at or after bucket `oldestKept`. */
  releaseBefore(oldestKept: number): void {
    if (!this.empty && this.head < oldestKept) {
      if (this.slots !== null) giveSlots(this.slots);
      this.slots = null;
      this.sparse = null;
      this.head = NO_HEAD;
    }
  }

  /**
   * Keeps only the non-zero buckets in range, when they fill at most a quarter of the ring (else stays
   * dense). Reads are unchanged; a ring without any non-zero bucket becomes empty.
   */
  compact(): void {
    const slots = this.slots;
    if (slots === null) return;
    let nonZero = 0;
    for (let i = 0; i < slots.length; i++) if (slots[i] !== 0) nonZero++;
    if (nonZero * 4 > this.size) return;
    if (nonZero === 0) {
      giveSlots(slots);
      this.slots = null;
      this.head = NO_HEAD;
      return;
    }
    // Preallocated to the exact length: a growing array would keep spare capacity.
    const sparse = new Array<number>(2 * nonZero);
    let j = 0;
    for (let k = this.head - this.size + 1; k <= this.head; k++) {
      const v = slots[((k % this.size) + this.size) % this.size] as number;
      if (v !== 0) {
        sparse[j++] = k;
        sparse[j++] = v;
      }
    }
    this.sparse = sparse;
    giveSlots(slots);
    this.slots = null;
  }

  /** Back to the dense form before a write. */
  private expand(): void {
    const sparse = this.sparse!;
    const slots = takeSlots(this.size);
    for (let i = 0; i < sparse.length; i += 2) slots[(sparse[i] as number) % this.size] = sparse[i + 1] as number;
    this.slots = slots;
    this.sparse = null;
  }
}

/**
 * Dense slot arrays given up by rings (compacted or released), for the next ring of the same size. Under
 * namespace churn every new namespace's fine ring is dense (12 KiB with a 24 h window) for an hour or
 * two; without reuse each becomes garbage outside the JS heap that stays counted until a full GC.
 * At most {@link POOL_LIMIT} arrays are kept per size (3 MiB of 24 h fine rings); shared by all ledgers.
 */
const pool = new Map<number, Float64Array[]>();
const POOL_LIMIT = 256;

/** A zeroed slot array of `size` doubles, reused when one is pooled. */
function takeSlots(size: number): Float64Array {
  const reused = pool.get(size)?.pop();
  return reused === undefined ? new Float64Array(size) : reused.fill(0);
}

/** Hands a slot array the ring no longer references to the pool. */
function giveSlots(slots: Float64Array): void {
  let free = pool.get(slots.length);
  if (free === undefined) pool.set(slots.length, (free = []));
  if (free.length < POOL_LIMIT) free.push(slots);
}

/** Accounts of one group. */
export class GroupAccount {
  readonly fine: BucketRing;
  readonly hours: BucketRing;
  /** Local day buckets, indexed by day number; null without a calendar. */
  readonly days: BucketRing | null;
  /** Hour index and day number of the last booking, so the calendar is asked once per hour. */
  private lastHour = NO_HEAD;
  private lastDay = 0;
  /** Tracked series that book into this group (maintained by the series table). */
  seriesCount = 0;
  private totalHi = 0;
  private totalLo = 0;

  constructor(
    /** Group key: `groupKeyOf(labels)` (see `key-codec.ts`). */
    readonly key: string,
    readonly labels: readonly string[],
    fineSlots: number,
    hourSlots: number,
    /** Fine buckets per hour. */
    private readonly bucketsPerHour: number,
    /** Day number of the hour starting at the given unix second; absent: no day buckets. */
    private readonly dayOf?: (hourStart: number) => number,
    daySlots = 0,
  ) {
    this.fine = new BucketRing(fineSlots);
    this.hours = new BucketRing(hourSlots);
    this.days = dayOf === undefined ? null : new BucketRing(daySlots);
  }

  /** Books `microJoules` (a non-negative integer) into fine bucket `k`, its hour and the total. */
  book(k: number, microJoules: number): void {
    if (microJoules === 0) return;
    this.fine.add(k, microJoules);
    const hour = Math.floor(k / this.bucketsPerHour);
    this.hours.add(hour, microJoules);
    if (this.days !== null) {
      if (hour !== this.lastHour) {
        this.lastHour = hour;
        this.lastDay = this.dayOf!(hour * 3600);
      }
      this.days.add(this.lastDay, microJoules);
    }
    let lo = this.totalLo + microJoules;
    if (lo >= LIMB) {
      const carry = Math.floor(lo / LIMB);
      this.totalHi += carry;
      lo -= carry * LIMB;
    }
    this.totalLo = lo;
  }

  /** Turns every ring into its compact form (see {@link BucketRing.compact}); reads are unchanged. */
  compact(): void {
    this.fine.compact();
    this.hours.compact();
    this.days?.compact();
  }

  /** Energy booked since the origin, joules. */
  totalJoules(): number {
    return (this.totalHi * LIMB) / 1e6 + this.totalLo / 1e6;
  }
}
