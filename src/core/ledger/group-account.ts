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

/** Ring of integer-µJ buckets indexed by an absolute bucket number. */
export class BucketRing {
  private slots: Float64Array | null = null;
  /** Newest bucket index written; meaningful only while `slots` is allocated. */
  head = -Infinity;

  constructor(readonly size: number) {}

  /** Adds `microJoules` to bucket `k`; drops it when `k` is already behind the ring. */
  add(k: number, microJoules: number): void {
    let slots = this.slots;
    if (slots === null) {
      slots = this.slots = new Float64Array(this.size);
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
    const slots = this.slots;
    if (slots === null || k > this.head || k <= this.head - this.size) return 0;
    return slots[k % this.size] as number;
  }

  /** True when the ring holds nothing (never written, or released). */
  get empty(): boolean {
    return this.slots === null;
  }

  /** Frees the ring when it holds nothing at or after bucket `oldestKept`. */
  releaseBefore(oldestKept: number): void {
    if (this.slots !== null && this.head < oldestKept) {
      this.slots = null;
      this.head = -Infinity;
    }
  }
}

/** Accounts of one group. */
export class GroupAccount {
  readonly fine: BucketRing;
  readonly hours: BucketRing;
  /** Local day buckets, indexed by day number; null without a calendar. */
  readonly days: BucketRing | null;
  /** Hour index and day number of the last booking, so the calendar is asked once per hour. */
  private lastHour = NaN;
  private lastDay = 0;
  /** Tracked series that book into this group (maintained by the series table). */
  seriesCount = 0;
  private totalHi = 0;
  private totalLo = 0;

  constructor(
    /** Group key: the label values joined with `\u0001`. */
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

  /** Energy booked since the origin, joules. */
  totalJoules(): number {
    return (this.totalHi * LIMB) / 1e6 + this.totalLo / 1e6;
  }
}
