/** A block `<!-- include: PATH -->` … `<!-- /include -->`; its body is the file at PATH. */
const INCLUDE = /(<!-- include: ([^\s]+) -->\n)[\s\S]*?(<!-- \/include -->)/g;

/**
 * Replaces the body of every include block with the fragment it names (without the fragment's leading
 * HTML comment, which says where the fragment is used). The README stays one document on GitHub while
 * each section lives in the file its tests check.
 */
export function expandIncludes(text: string, read: (path: string) => string): string {
  return text.replace(INCLUDE, (_block, open: string, path: string, close: string) => {
    const body = read(path).replace(/^<!--[\s\S]*?-->\n+/, '').trimEnd();
    return `${open}${body}\n${close}`;
  });
}
