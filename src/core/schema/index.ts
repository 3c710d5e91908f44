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
  classifySeries,
  createClassifier,
  createIgnoreExplainer,
  resolveNode,
  type ClassifyOptions,
  type Classifier,
  type IgnoredSeries,
} from './classify.js';
export { DEFAULT_ZONES, resolveZones, zoneHint, type IgnoreReason, type ZoneTarget } from './zones.js';
export { DETECTION_METRIC_NAMES, detectSchemas, schemaOfMetric, schemasByNode } from './detect.js';
export { buildSelector, queriesFor, type QuerySpec } from './queries.js';
export { SelectorError, escapeRegex, formatMatcher, parseSelector, quote, selectorProblem, type LabelMatcher } from './selector.js';
export {
  compileNamespaceRelabel,
  regexProblem,
  type NamespaceRelabelRule,
  type NamespaceRelabeler,
} from './namespace-relabel.js';
