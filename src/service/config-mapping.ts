import type { SnapshotLabels } from '../core/ledger/index.js';
import type { ClassifyOptions } from '../core/schema/index.js';
import type { Config } from '../config/index.js';

/** The schema catalogue's options from the config. */
export function classifyOptions(config: Config): ClassifyOptions {
  return {
    components: config.kepler.components,
    modes: config.kepler.modes,
    samplePeriodSeconds: config.kepler.samplePeriodSeconds,
    groupBy: config.groupBy,
    ...(config.namespaceRelabel !== undefined && { namespaceRelabel: config.namespaceRelabel }),
    ...(config.kepler.zones === undefined ? {} : { zones: config.kepler.zones }),
  };
}

/** Label names of namespace and node groups: `group_by`, and for nodes the extra labels then `node`. */
export function snapshotLabels(config: Config): SnapshotLabels {
  return {
    namespaceLabels: config.groupBy,
    nodeLabels: [...config.groupBy.filter((l) => l !== 'namespace'), 'node'],
  };
}
