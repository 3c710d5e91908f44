import { describeBackfill } from './support/backfill-suite.js';

describeBackfill('v0.3', 'prometheus');
