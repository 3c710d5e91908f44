import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/core/ledger/index.js';
import { ResetCauses } from '../../../src/core/ledger/reset-causes.js';
import { descriptor, nodeDescriptor, samples } from './helpers.js';

const O = 360_000;
const WINDOWS = [{ label: '1h', seconds: 3600 }];

describe('ResetCauses', () => {
  it('takes a pod reset next to a node reset for a Kepler restart, and a lone one for a series restart', () => {
    const c = new ResetCauses();
    c.seriesReset('n1', 100, 130);
    c.seriesReset('n1', 200, 230);
    c.nodeReset('n1', 130);
    c.nodeRead('n1', 240);
    c.settle(240, 3600);
    expect(c.byCause()).toEqual({ kepler_restart: 2, series_restart: 1, gpu_process_exit: 0 });
  });

  it('leaves a reset undecided until its node has been read past it', () => {
    const c = new ResetCauses();
    c.seriesReset('n1', 100, 130);
    c.nodeRead('n1', 120);
    c.settle(130, 3600);
    expect(c.byCause()).toEqual({ kepler_restart: 0, series_restart: 0, gpu_process_exit: 0 });
    c.nodeReset('n1', 125);
    c.nodeRead('n1', 150);
    c.settle(150, 3600);
    expect(c.byCause().kepler_restart).toBe(2);
  });

  it('does not mix nodes', () => {
    const c = new ResetCauses();
    c.seriesReset('n2', 100, 130);
    c.nodeReset('n1', 130);
    c.nodeRead('n1', 130);
    c.nodeRead('n2', 130);
    c.settle(130, 3600);
    expect(c.byCause()).toEqual({ kepler_restart: 1, series_restart: 1, gpu_process_exit: 0 });
  });

  it('takes a reset on a node without node counters for a series restart at once', () => {
    const c = new ResetCauses();
    c.seriesReset('lonely', 100, 130);
    c.settle(130, 3600);
    expect(c.byCause().series_restart).toBe(1);
  });
});

describe('reset causes in the ledger', () => {
  const pod = descriptor('pod', { node: 'n1' });
  const node = nodeDescriptor('node', 'n1');
  const pairsPod: [number, number][] = [[O, 100], [O + 30, 130], [O + 60, 5], [O + 90, 40], [O + 120, 2]];
  const pairsNode: [number, number][] = [[O, 1000], [O + 30, 1100], [O + 60, 20], [O + 90, 120], [O + 120, 220]];

  it('tells a Kepler restart (the node restarted too) from a pod zone restarting alone', () => {
    const l = new Ledger({ origin: O, windows: WINDOWS });
    l.ingest([samples(pod, pairsPod), samples(node, pairsNode)]);
    expect(l.stats().resets).toBe(3);
    expect(l.stats().resetsByCause).toEqual({ kepler_restart: 2, series_restart: 1, gpu_process_exit: 0 });
  });

  it('decides the same in any batching by time, even when the node is read less far than its pod', () => {
    const whole = new Ledger({ origin: O, windows: WINDOWS });
    whole.ingest([samples(pod, pairsPod), samples(node, pairsNode)]);
    const batched = new Ledger({ origin: O, windows: WINDOWS });
    // Split by time, as polls read: the node's counters come with its pods' samples.
    batched.ingest([samples(pod, pairsPod.slice(0, 2)), samples(node, pairsNode.slice(0, 2))]);
    batched.ingest([samples(pod, pairsPod.slice(0, 3)), samples(node, pairsNode.slice(0, 2))]);
    expect(batched.stats().resetsByCause).toEqual({ kepler_restart: 0, series_restart: 0, gpu_process_exit: 0 });
    batched.ingest([samples(pod, pairsPod), samples(node, pairsNode)]);
    expect(batched.stats()).toEqual(whole.stats());
  });
});
