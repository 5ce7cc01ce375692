/**
 * Names of the events the model derives from other records at build time (not read from a
 * capture), shared by the model and the browser.
 */

/** Off-CPU time: each sample is an interval a thread spent switched out (weight: ns; stack: where it blocked, under a prev_state root frame). */
export const OFF_CPU_EVENT = 'off-cpu';
