/** A one-line progress bar on a terminal; silent elsewhere (pipes, CI logs). */
export class ProgressBar {
  constructor(
    private readonly write: (text: string) => void,
    private readonly enabled: boolean,
    private readonly label: string,
  ) {}

  update(done: number, total: number): void {
    if (!this.enabled) return;
    const width = 30;
    const filled = Math.round((done / total) * width);
    const percent = Math.floor((done / total) * 100);
    this.write(`\r${this.label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${percent}% (${done}/${total})`);
  }

  finish(): void {
    if (this.enabled) this.write('\n');
  }
}
