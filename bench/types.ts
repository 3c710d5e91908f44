/** Options every benchmark module receives. */
export interface BenchOptions {
  /** `--full`: bigger inputs and more repetitions (slower); otherwise a quick run under 30 s. */
  readonly full: boolean;
}

/** One measured figure. `ratio` is `figure / baseline` when a baseline is given. */
export interface BenchRow {
  readonly name: string;
  readonly figure: number;
  readonly unit: string;
  readonly baseline?: number;
  /** Short note printed after the row (input size, what the baseline is). */
  readonly note?: string;
}

/** A benchmark module: register it in `bench/run.ts`. */
export interface BenchModule {
  readonly name: string;
  run(opts: BenchOptions): Promise<BenchRow[]>;
}
