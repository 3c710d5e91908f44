/** Finds the keys a strict mapping accepts at a key path, for "did you mean" hints. */
import type { z } from 'zod';

interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Unwraps optional/default/prefault/pipe wrappers down to the schema that decides the shape. */
function unwrap(schema: z.ZodType): z.ZodType {
  for (;;) {
    const def = defOf(schema);
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (inner === undefined) return schema;
    schema = inner;
  }
}

/** Keys of the mapping at `path` inside `schema`, or an empty list if there is no mapping there. */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current = unwrap(schema);
  for (const segment of path) {
    const def = defOf(current);
    const next = def.shape?.[String(segment)] ?? def.element ?? def.valueType;
    if (next === undefined) return [];
    current = unwrap(next);
  }
  return Object.keys(defOf(current).shape ?? {});
}
