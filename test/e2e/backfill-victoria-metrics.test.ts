import { describeBackfill } from './support/backfill-suite.js';

describeBackfill('v0.10+', 'victoria-metrics');
