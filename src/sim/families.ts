import type { NodeReading } from './kepler-state.js';
import type { Scenario } from './scenario.js';

/** Label name → value. */
export type Labels = Record<string, string>;

/** One exported sample (Kepler's own labels, const labels included). */
export interface Sample {
  readonly labels: Labels;
  readonly value: number;
}

/** A metric family as Kepler declares it. */
export interface FamilySpec {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  /** The family's samples at one reading (may be empty). */
  samples(reading: NodeReading, scenario: Scenario): Sample[];
}

/** A family with its samples at one reading. */
export interface Family {
  readonly spec: FamilySpec;
  readonly samples: readonly Sample[];
}
