import type { Rng } from './prng.js';
import type { GpuProcess, SimPod } from './scenario.js';

/** Concurrent process slots of a GPU pod (processes in different slots overlap). */
const SLOTS = [2, 3] as const;
/** A process lives 5 to 60 minutes (log-uniform). */
const MIN_LIFE = 300;
const MAX_LIFE = 3600;
const ms = (t: number): number => Math.round(t * 1000) / 1000;

/**
 * GPU process churn for one pod: 2–3 slots, each a back-to-back sequence of processes (5–60 min, 20–120 W
 * each, up to a minute apart), so processes exit while others of the pod keep running, and now and then
 * none runs. Before `from` one long process per slot stands for the pod's history.
 */
export function gpuProcessesFor(rng: Rng, pod: Pick<SimPod, 'start' | 'end'>, from: number, to: number): GpuProcess[] {
  const out: GpuProcess[] = [];
  const end = Math.min(pod.end ?? Infinity, to);
  const slots = rng.pick(SLOTS);
  for (let s = 0; s < slots; s++) {
    let t = pod.start;
    if (t < from) {
      const first = ms(from + rng.uniform(0, 1800));
      out.push({ start: t, end: first, watts: rng.uniform(20, 120) });
      t = ms(first + rng.uniform(0, 60));
    }
    while (t < end) {
      const life = Math.exp(rng.uniform(Math.log(MIN_LIFE), Math.log(MAX_LIFE)));
      const stop = ms(t + life);
      out.push(stop >= end && pod.end === undefined ? { start: t, watts: rng.uniform(20, 120) } : { start: t, end: Math.min(stop, end), watts: rng.uniform(20, 120) });
      t = ms(stop + rng.uniform(0, 60));
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
