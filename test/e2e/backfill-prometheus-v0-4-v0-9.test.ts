import { describeBackfill } from './support/backfill-suite.js';

describeBackfill('v0.4-v0.9', 'prometheus');
