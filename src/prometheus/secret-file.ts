import { stat, readFile } from 'node:fs/promises';

/**
 * A secret kept in a file (token, password) that may be rotated: every `read()` stats the file and
 * re-reads it only when its mtime or size changed. Surrounding whitespace is trimmed.
 */
export class SecretFile {
  private cached: { mtimeMs: number; size: number; value: string } | undefined;

  constructor(readonly path: string) {}

  /** Current contents, trimmed. Errors mention the path, never the contents. */
  async read(): Promise<string> {
    try {
      const info = await stat(this.path);
      const cached = this.cached;
      if (cached !== undefined && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.value;
      const value = (await readFile(this.path, 'utf8')).trim();
      this.cached = { mtimeMs: info.mtimeMs, size: info.size, value };
      return value;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new Error(`failed to read secret file ${this.path}: ${code}`, { cause: error });
    }
  }
}
