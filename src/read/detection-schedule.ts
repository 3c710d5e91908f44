/** How often schema detection and the build-info versions are read again, seconds. */
const DETECTION_PERIOD_SECONDS = 300;

/**
 * Which polls run schema detection (one instant query, plus one build-info read per schema): the
 * first, then every `everyPolls`-th (about every {@link DETECTION_PERIOD_SECONDS}), and the one right
 * after a poll that failed or read no series at all for a detected schema (a Kepler gone or upgraded).
 */
export class DetectionSchedule {
  /** Polls left until detection is due; 0 means the next poll detects. */
  private left = 0;

  /** Detects every `everyPolls` polls (at least 1). */
  constructor(readonly everyPolls: number) {
    if (!(everyPolls >= 1)) throw new RangeError(`everyPolls must be at least 1, got ${everyPolls}`);
  }

  /** The schedule for polls every `intervalSeconds`: detection about every {@link DETECTION_PERIOD_SECONDS}. */
  static forInterval(intervalSeconds: number): DetectionSchedule {
    return new DetectionSchedule(Math.max(1, Math.ceil(DETECTION_PERIOD_SECONDS / intervalSeconds)));
  }

  /** Whether the coming poll should detect. */
  get due(): boolean {
    return this.left <= 0;
  }

  /** Detection ran (and succeeded) in the current poll. */
  detected(): void {
    this.left = this.everyPolls;
  }

  /** A poll ended; `suspect` when it failed or a detected schema matched no series: then the next poll detects. */
  pollEnded(suspect: boolean): void {
    this.left = suspect ? 0 : this.left - 1;
  }
}
