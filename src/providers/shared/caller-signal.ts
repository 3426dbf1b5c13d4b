// The gateway's own cancellation of one upstream call (the client went away, an attempt's timeout or
// the request's deadline), handed to the upstream fetch (upstream-fetch.ts) beside the SDK rather than
// through it. Given as the SDK's `signal` option, the openai SDK composes it with its own controller
// through AbortSignal.any, and an abort listener on that composite makes Node follow it: weak
// references to each source, two FinalizationRegistry entries and a strong reference until the
// listener goes — about 1.3 KB and several µs per call, and more work for every full garbage
// collection; the Anthropic SDK listens to it and registers each response body with a
// FinalizationRegistry (docs/performance.md, "The caller's signal beside the SDK"). Both SDKs spread
// their `fetchOptions` request option into the RequestInit they give their fetch, so under this symbol
// the signal reaches the fetch, which listens to it directly; the SDK's own signal (its timeout, a
// stream left early) still arrives as `init.signal`. A call aborted this way fails in the SDK as a
// connection error (or a stream that ends); the provider's error mapping and adapter check the call's
// signal first and report `aborted`/canceled, as before.
export const CALLER_SIGNAL: unique symbol = Symbol('llm-gateway caller signal');

export interface CallerSignalInit {
  [CALLER_SIGNAL]?: AbortSignal;
}

/** For an SDK call's `fetchOptions`. */
export function callerSignalInit(signal: AbortSignal): CallerSignalInit {
  return { [CALLER_SIGNAL]: signal };
}

/**
 * An openai or Anthropic SDK call's request options: its headers, and the gateway's signal in
 * `fetchOptions` rather than as `signal`. The SDKs' types admit only RequestInit's own fields
 * there; the symbol key is ours, hence the type.
 */
export function callOptions<Headers>(signal: AbortSignal, headers: Headers): { headers: Headers; fetchOptions: Record<string, never> } {
  return { headers, fetchOptions: callerSignalInit(signal) as Record<string, never> };
}

export function callerSignalOf(init: RequestInit): AbortSignal | undefined {
  return (init as CallerSignalInit)[CALLER_SIGNAL];
}
