import { collect, familySpecs } from './catalog.js';
import { readNode } from './kepler-state.js';
import type { Scenario } from './scenario.js';
import { escapeHelp } from '../exposition/text-format.js';
import { formatGoFloat, renderLabels } from './text-format.js';
import { timelineOf } from './timeline.js';

/** Options of {@link renderExposition}. */
export interface ExpositionOptions {
  /**
   * Time of the previous scrape of this node (v0.10+ exports a terminated pod only at the first scrape
   * after its end). Default: `time` minus the scenario's scrape interval.
   */
  readonly previousScrape?: number;
}

/**
 * The `/metrics` body (text format 0.0.4) Kepler on `node` serves at `time`: families sorted by name,
 * `# HELP`/`# TYPE` as the real schema, label names sorted, samples sorted, empty families left out.
 */
export function renderExposition(scenario: Scenario, node: string, time: number, options: ExpositionOptions = {}): string {
  const nt = timelineOf(scenario).node(node);
  const previous = options.previousScrape ?? time - scenario.scrapeIntervalSeconds;
  const reading = readNode(scenario, nt, time, previous);
  const lines: string[] = [];
  for (const family of collect(scenario, reading, familySpecs(scenario))) {
    const { name, help, type } = family.spec;
    lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
    const rendered = family.samples.map((s) => `${name}${renderLabels(s.labels)} ${formatGoFloat(s.value)}`);
    lines.push(...rendered.sort());
  }
  return lines.join('\n') + '\n';
}
