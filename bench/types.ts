/** Options every benchmark module receives. */
export interface BenchOptions {
  /** `--full`: bigger inputs and more repetitions (slower); otherwise the quick mode (`npm run bench`). */
  readonly full: boolean;
  /** Progress lines (stderr); silent when absent. */
  readonly log?: (line: string) => void;
}

/** One measured figure. `ratio` is `figure / baseline` when a baseline is given. */
export interface BenchRow {
  readonly name: string;
  readonly figure: number;
  readonly unit: string;
  readonly baseline?: number;
  /** Short note printed after the row (input size, what the baseline is). */
  readonly note?: string;
  /** The goal this row is checked against, e.g. `≤ 1.5× floor`, and whether it was met. */
  readonly goal?: { readonly text: string; readonly met: boolean };
}

/** What a module returns: its rows, plus optional markdown tables printed after the summary. */
export interface BenchResult {
  readonly rows: readonly BenchRow[];
  readonly tables?: readonly string[];
}

/** A benchmark module: register it in `bench/run.ts`. */
export interface BenchModule {
  readonly name: string;
  /** Whether the quick mode (`npm run bench`) runs it; full-only modules set false. */
  readonly quick?: boolean;
  run(opts: BenchOptions): Promise<BenchRow[] | BenchResult>;
}
