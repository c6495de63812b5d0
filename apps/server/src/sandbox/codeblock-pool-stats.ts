/**
 * Counters shared by every pool of the process, for sandboxStats(): runs are counted on the
 * main thread from the workers' reports; live instances are counted by each worker into
 * shared memory, so reading them needs no message round trip.
 */
export const counts = { started: 0, disposed: 0, unclean: 0, faults: 0 };

/** One per running worker; a terminated worker's instances went with it. */
export const liveCounters = new Set<Int32Array>();

export function poolStats(): typeof counts & { liveInstances: number } {
  let liveInstances = 0;
  for (const counter of liveCounters) liveInstances += Atomics.load(counter, 0);
  return { ...counts, liveInstances };
}
