/**
 * Adds constant labels (e.g. `shard="1"`) to every sample line of a text exposition: `m 1` becomes
 * `m{shard="1"} 1` and `m{a="b"} 1` becomes `m{shard="1",a="b"} 1`; comments and blank lines are kept.
 * `labels` is the rendered label list without braces; an empty one returns the text as is.
 */
export function withConstantLabels(text: string, labels: string): string {
  if (labels === '') return text;
  let out = '';
  let from = 0;
  while (from < text.length) {
    let to = text.indexOf('\n', from);
    if (to < 0) to = text.length;
    const line = text.slice(from, to);
    out += (line === '' || line.startsWith('#') ? line : labelLine(line, labels)) + (to < text.length ? '\n' : '');
    from = to + 1;
  }
  return out;
}

function labelLine(line: string, labels: string): string {
  let i = 0;
  while (i < line.length && line[i] !== '{' && line[i] !== ' ') i++;
  if (line[i] !== '{') return `${line.slice(0, i)}{${labels}}${line.slice(i)}`;
  const empty = line[i + 1] === '}';
  return `${line.slice(0, i + 1)}${labels}${empty ? '' : ','}${line.slice(i + 1)}`;
}
