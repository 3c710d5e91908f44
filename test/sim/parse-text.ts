/** A tiny parser of the Prometheus text format 0.0.4 for the simulator's tests (no timestamps, no escapes beyond \" \\ \n). */
export interface ParsedFamily {
  readonly name: string;
  help: string;
  type: string;
  readonly samples: { readonly labels: Record<string, string>; readonly value: number }[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/gy;

export function parseText(text: string): Map<string, ParsedFamily> {
  const families = new Map<string, ParsedFamily>();
  const family = (name: string): ParsedFamily => {
    let f = families.get(name);
    if (f === undefined) families.set(name, (f = { name, help: '', type: 'untyped', samples: [] }));
    return f;
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'HELP') family(meta[2]!).help = meta[3]!;
      else family(meta[2]!).type = meta[3]!;
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`unparsable line: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    for (let pos = 0; pos < body.length; pos = LABEL.lastIndex) {
      LABEL.lastIndex = pos;
      const lm = LABEL.exec(body);
      if (!lm) throw new Error(`unparsable labels: ${line}`);
      labels[lm[1]!] = lm[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    family(m[1]!).samples.push({ labels, value: Number(m[3]) });
  }
  return families;
}
