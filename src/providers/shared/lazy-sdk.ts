// Provider SDKs (and the upstream fetch under them) cost memory at import —
// about 2–5 MB of heap each plus their compiled code — and most deployments
// use one or two families. So each family's SDK loads with the first call of
// a provider of that family, once per process (see README, "Memory").

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

/** A per-connection SDK client, built on its first use and then reused. */
export function deferredClient<T>(create: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => (pending ??= create());
}

/** The SDKs loaded so far in this process, sorted (tests check that unused families stay unloaded). */
export function loadedSdks(): string[] {
  return [...loaded].sort();
}
