/** Relative links of markdown files, and the anchors GitHub gives their headings. */

/** A link written `[text](target)` or `![alt](target)`, with the line it is on. */
export interface MarkdownLink {
  readonly target: string;
  readonly line: number;
}

/** The lines of `text` outside fenced code blocks (others become empty, so line numbers hold). */
function proseLines(text: string): string[] {
  let fenced = false;
  return text.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line;
  });
}

/** Every link of `text` outside code, in order. */
export function markdownLinks(text: string): MarkdownLink[] {
  return proseLines(text).flatMap((line, i) =>
    [...line.replace(/`[^`]*`/g, '').matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => ({ target: m[1] ?? '', line: i + 1 })),
  );
}

/**
 * The anchor GitHub gives a heading (github-slugger): the rendered text in lower case, without punctuation
 * other than `-` and `_`, spaces turned into `-`.
 */
export function githubSlug(heading: string): string {
  const rendered = heading.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1');
  return rendered
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of every heading in `text`; a repeated slug gets `-1`, `-2`, … as on GitHub. */
export function headingAnchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of proseLines(text)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = githubSlug(heading[1] ?? '');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}
