import type { GroupAccount } from './group-account.js';

/**
 * Per-series state in parallel typed arrays (struct of arrays): one Map entry, one slot and a few
 * numbers per series, no object per series. Dropped slots are reused.
 */
export class SeriesTable {
  private readonly slotByKey = new Map<string, number>();
  private readonly freeSlots: number[] = [];
  private keys: (string | undefined)[] = [];
  private capacity = 0;
  /** Time of the newest sample consumed (accepted, implausible or malformed); `-Infinity` if none. */
  cursor = new Float64Array(0);
  /** Time and raw value of the last valid sample, the base of the next delta; `NaN` time if none. */
  prevTime = new Float64Array(0);
  prevValue = new Float64Array(0);
  /** Power at the last valid sample, watts (`NaN` if none); only for series that sum processes. */
  prevPower = new Float64Array(0);
  /** Group each series books into, fixed when the series is first seen. */
  group: (GroupAccount | undefined)[] = [];

  /** Number of series tracked. */
  get size(): number {
    return this.slotByKey.size;
  }

  /** Slot of a tracked series, or undefined. */
  slotOf(key: string): number | undefined {
    return this.slotByKey.get(key);
  }

  /** Tracks a new series with no sample yet and returns its slot. */
  add(key: string, group: GroupAccount): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.keys.length;
      if (slot === this.capacity) this.grow();
      this.keys.push(undefined);
      this.group.push(undefined);
    }
    this.slotByKey.set(key, slot);
    this.keys[slot] = key;
    this.group[slot] = group;
    group.seriesCount++;
    this.cursor[slot] = -Infinity;
    this.prevTime[slot] = NaN;
    this.prevValue[slot] = NaN;
    this.prevPower[slot] = NaN;
    return slot;
  }

  /** Drops every series whose newest sample is more than `ttl` seconds before `watermark`; returns how many. */
  dropSilent(watermark: number, ttl: number): number {
    let dropped = 0;
    const keys = this.keys;
    for (let slot = 0; slot < keys.length; slot++) {
      const key = keys[slot];
      if (key === undefined || !(watermark - this.cursor[slot]! > ttl)) continue;
      this.slotByKey.delete(key);
      keys[slot] = undefined;
      this.group[slot]!.seriesCount--;
      this.group[slot] = undefined;
      this.freeSlots.push(slot);
      dropped++;
    }
    return dropped;
  }

  private grow(): void {
    const capacity = Math.max(1024, this.capacity * 2);
    const widen = (old: Float64Array): Float64Array<ArrayBuffer> => {
      const next = new Float64Array(capacity);
      next.set(old);
      return next;
    };
    this.cursor = widen(this.cursor);
    this.prevTime = widen(this.prevTime);
    this.prevValue = widen(this.prevValue);
    this.prevPower = widen(this.prevPower);
    this.capacity = capacity;
  }
}
