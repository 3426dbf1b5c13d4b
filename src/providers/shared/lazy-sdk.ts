// Provider SDKs (and the upstream fetch under them) cost memory at import —
// about 2–5 MB of heap each plus their compiled code — and most deployments
// use one or two families. So each family's SDK loads with the first call of
// a provider of that family, once per process (see README, "Memory").

import type { UpstreamFetch, UpstreamFetchOptions } from './upstream-fetch.js';

const loaded = new Set<string>();

export interface LazySdk<T> {
  /** Imports on the first call; every later call shares the same promise. */
  load(): Promise<T>;
  /** The module once loaded, else undefined (an error cannot come from an SDK that never loaded). */
  current(): T | undefined;
}

export function lazySdk<T>(name: string, importer: () => Promise<T>): LazySdk<T> {
  let value: T | undefined;
  let pending: Promise<T> | undefined;
  return {
    load() {
      pending ??= importer().then((module) => {
        value = module;
        loaded.add(name);
        return module;
      });
      return pending;
    },
    current: () => value,
  };
}

/** An SDK module with the node:http `fetch` its clients are given (see upstream-fetch.ts). */
export interface SdkWithFetch<T> {
  sdk: T;
  upstreamFetch: UpstreamFetch;
}

/**
 * An SDK loaded together with upstream-fetch (which is only needed once some
 * SDK is): every family's client builds its SDK clients on this. `importSdk`
 * stays in the family's <family>-client.ts, the only file that may name the SDK.
 */
export function lazySdkWithFetch<T>(name: string, importSdk: () => Promise<T>, fetchOptions: UpstreamFetchOptions): LazySdk<SdkWithFetch<T>> {
  return lazySdk(name, async () => {
    const [sdk, { createUpstreamFetch }] = await Promise.all([importSdk(), import('./upstream-fetch.js')]);
    return { sdk, upstreamFetch: createUpstreamFetch(fetchOptions) };
  });
}

/** A per-connection SDK client, built on its first use and then reused. */
export function deferredClient<T>(create: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => (pending ??= create());
}

/** The SDKs loaded so far in this process, sorted (tests check that unused families stay unloaded). */
export function loadedSdks(): string[] {
  return [...loaded].sort();
}
