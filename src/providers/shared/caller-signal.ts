// The gateway's own cancellation of one upstream call (the client went away, a deadline, a hedge
// won), handed to the upstream fetch (upstream-fetch.ts) beside the SDK rather than through it.
// Given as the openai SDK's `signal` option, it is composed with the SDK's own controller through
// AbortSignal.any, and an abort listener on that composite makes Node follow it: weak references to
// each source, two FinalizationRegistry entries and a strong reference until the listener goes —
// about 1.3 KB and several µs per call, and more work for every full garbage collection
// (docs/performance.md, "The caller's signal beside the SDK"). The SDKs spread their `fetchOptions`
// request option into the RequestInit they give their fetch, so under this symbol the signal reaches
// the fetch, which listens to it directly; the SDK's own signal (its timeout, a stream left early)
// still arrives as `init.signal`. A call aborted this way fails in the SDK as a connection error;
// the client files map any failure of a call whose signal is aborted to `aborted` first.
export const CALLER_SIGNAL: unique symbol = Symbol('llm-gateway caller signal');

export interface CallerSignalInit {
  [CALLER_SIGNAL]?: AbortSignal;
}

/** For an SDK call's `fetchOptions`. */
export function callerSignalInit(signal: AbortSignal): CallerSignalInit {
  return { [CALLER_SIGNAL]: signal };
}

export function callerSignalOf(init: RequestInit): AbortSignal | undefined {
  return (init as CallerSignalInit)[CALLER_SIGNAL];
}
