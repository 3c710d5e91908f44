import type { GpuProcess, PowerProfile, SimComponent, SimNode, SimPod } from './scenario.js';

/** Cumulative energy at each segment start, per component; cached per profile. */
const cumulativeCache = new WeakMap<PowerProfile, Record<SimComponent, Float64Array>>();

function cumulative(profile: PowerProfile): Record<SimComponent, Float64Array> {
  let cached = cumulativeCache.get(profile);
  if (cached === undefined) {
    const build = (watts: readonly number[] | undefined): Float64Array => {
      const out = new Float64Array(profile.times.length);
      for (let i = 1; i < out.length; i++) {
        out[i] = out[i - 1]! + (watts?.[i - 1] ?? 0) * (profile.times[i]! - profile.times[i - 1]!);
      }
      return out;
    };
    cached = { package: build(profile.package), dram: build(profile.dram), gpu: build(profile.gpu) };
    cumulativeCache.set(profile, cached);
  }
  return cached;
}

/** Index of the last segment starting at or before t (t ≥ times[0]). */
function segmentAt(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Energy of the profile from its start to t (no end clamp), joules. */
function energyTo(profile: PowerProfile, component: SimComponent, t: number): number {
  const times = profile.times;
  if (times.length === 0 || t <= times[0]!) return 0;
  const watts = profile[component];
  if (watts === undefined) return 0;
  const i = segmentAt(times, t);
  return cumulative(profile)[component][i]! + watts[i]! * (t - times[i]!);
}

/** When a GPU process ends: its own end, or the pod's. */
export function processEnd(pod: SimPod, p: GpuProcess): number {
  return Math.min(p.end ?? Infinity, pod.end ?? Infinity);
}

/** Exact energy of one GPU process of the pod in (a, b], joules. */
export function processEnergy(pod: SimPod, p: GpuProcess, a: number, b: number): number {
  const from = Math.max(a, p.start, pod.start);
  const to = Math.min(b, processEnd(pod, p));
  return to > from ? p.watts * (to - from) : 0;
}

/** Exact energy the pod drew on a component in (a, b], joules (0 outside its life). */
export function podEnergy(pod: SimPod, component: SimComponent, a: number, b: number): number {
  if (component === 'gpu' && pod.gpuProcesses !== undefined) return pod.gpuProcesses.reduce((s, p) => s + processEnergy(pod, p, a, b), 0);
  const from = Math.max(a, pod.start);
  const to = Math.min(b, pod.end ?? Infinity);
  if (to <= from) return 0;
  return energyTo(pod.profile, component, to) - energyTo(pod.profile, component, from);
}

/** Pod power on a component at time t, watts (0 outside its life). */
export function podPower(pod: SimPod, component: SimComponent, t: number): number {
  if (t < pod.start || t >= (pod.end ?? Infinity)) return 0;
  if (component === 'gpu' && pod.gpuProcesses !== undefined) {
    return pod.gpuProcesses.reduce((s, p) => s + (t >= p.start && t < processEnd(pod, p) ? p.watts : 0), 0);
  }
  const watts = pod.profile[component];
  if (watts === undefined || pod.profile.times.length === 0) return 0;
  return watts[segmentAt(pod.profile.times, t)] ?? 0;
}

/** Whether the pod is alive at some point of (a, b]. */
export function overlaps(pod: SimPod, a: number, b: number): boolean {
  return pod.start < b && (pod.end ?? Infinity) > a;
}

/** Energy the node drew outside pods on a component in (a, b], joules. */
export function idleEnergy(node: SimNode, component: SimComponent, a: number, b: number): number {
  return b > a ? (node.idleWatts[component] ?? 0) * (b - a) : 0;
}
