// A lease on a background job in the shared database, so that one process of
// a deployment runs it: a row per job with its holder and an expiry, taken and
// renewed with one atomic conditional write.

export interface JobLeaseState {
  holder: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface JobLeasesRepository {
  /**
   * Takes or renews the lease `name` for `holder` until `expiresAt`: succeeds when nobody holds it,
   * when `holder` holds it already, or when the current holder's lease expired before `now`.
   * Atomic: of two concurrent callers, at most one gets a lease another does not hold.
   */
  tryAcquire(name: string, holder: string, now: number, expiresAt: number): Promise<boolean>;
  /** Gives the lease up at once when `holder` holds it (a successor need not wait for the expiry). */
  release(name: string, holder: string): Promise<void>;
  get(name: string): Promise<JobLeaseState | null>;
}
