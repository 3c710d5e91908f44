/** The Kepler schema catalogue: what to read per schema, how to classify it, how to query it. */
export {
  METRIC_NAMES_BY_SCHEMA,
  NODE_LABELS,
  SCHEMA_SPECS,
  schemaSpec,
  type IdentitySlot,
  type MetricSpec,
  type SchemaSpec,
} from './catalogue.js';
export {
  DEFAULT_CLASSIFY_OPTIONS,
  DEFAULT_MODES,
  DEFAULT_SAMPLE_PERIOD_SECONDS,
  classifySeries,
  createClassifier,
  resolveNode,
  type ClassifyOptions,
  type Classifier,
} from './classify.js';
export { DETECTION_METRIC_NAMES, detectSchemas, schemaOfMetric, schemasByNode } from './detect.js';
export { buildSelector, queriesFor, type QuerySpec } from './queries.js';
export { SelectorError, formatMatcher, parseSelector, quote, selectorProblem, type LabelMatcher } from './selector.js';
export {
  NO_RELABEL,
  anchoredRegex,
  compileNamespaceRelabel,
  expandReplacement,
  regexProblem,
  type NamespaceRelabelRule,
  type NamespaceRelabeler,
} from './namespace-relabel.js';
