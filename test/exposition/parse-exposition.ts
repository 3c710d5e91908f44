/** A small, strict reader of Prometheus text 0.0.4 for assertions (not a full parser). */

export interface Family {
  name: string;
  help: string[];
  type: string[];
  samples: string[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/;

/** Groups lines into families; throws on samples without a family or families split in two. */
export function readFamilies(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a line feed');
  const families = new Map<string, Family>();
  let current: Family | undefined;
  const open = (name: string): Family => {
    let f = families.get(name);
    if (f === undefined) {
      f = { name, help: [], type: [], samples: [] };
      families.set(name, f);
    } else if (f !== current) {
      throw new Error(`family ${name} is split into several groups`);
    }
    current = f;
    return f;
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      const f = open(meta[2]!);
      (meta[1] === 'HELP' ? f.help : f.type).push(meta[3]!);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`unparsable line: ${line}`);
    const name = m[1]!;
    const owner =
      current && (name === current.name || (current.type[0] === 'histogram' && /_(bucket|sum|count)$/.test(name) && name.replace(/_(bucket|sum|count)$/, '') === current.name))
        ? current
        : undefined;
    if (!owner) throw new Error(`sample ${name} is outside its family's group`);
    owner.samples.push(line);
  }
  return families;
}
