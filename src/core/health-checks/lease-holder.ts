// Holding a job lease (domain/job-lease.ts) from one process: taken when free,
// renewed well before it expires, given up on stop. While the database cannot
// be reached the holder keeps its lease until the expiry it last wrote, and no
// longer: by then another process may have taken it over.
import type { JobLeasesRepository } from '../../domain/job-lease.js';

export interface LeaseHolderOptions {
  leases: JobLeasesRepository;
  /** The job, e.g. 'health-checks'. */
  name: string;
  /** This process, unique across the deployment. */
  holder: string;
  /** How long a lease lasts without renewal: how soon another process takes over from one that died. */
  ttlMs: number;
  /** How often the holder renews and the others try to take over (well under ttlMs). */
  renewEveryMs: number;
  now: () => number;
  /** Each time this process starts or stops holding the lease, and why. */
  onChange?(change: LeaseChange): void;
  onError(error: unknown): void;
}

/**
 * `taken`; or no longer held: `held-elsewhere` (another process holds it now), `expired` (not renewed in
 * time: the database could not be reached) or `released` (this process gave it up: stopping, or nothing to run).
 */
export type LeaseChange = 'taken' | 'held-elsewhere' | 'expired' | 'released';

export interface LeaseHolder {
  /** Takes or renews the lease when due; whether this process holds it now. */
  refresh(): Promise<boolean>;
  holds(): boolean;
  /** Gives the lease up (a successor need not wait for the expiry). */
  release(): Promise<void>;
}

export function createLeaseHolder(options: LeaseHolderOptions): LeaseHolder {
  const { leases, name, holder, now } = options;
  let heldUntil = 0;
  let lastTry = Number.NEGATIVE_INFINITY;
  let reported = false;

  const holds = () => now() < heldUntil;
  // A loss not otherwise explained is an expiry: the renewals did not land in time.
  const report = (lossReason: LeaseChange = 'expired') => {
    const held = holds();
    if (held !== reported) {
      reported = held;
      options.onChange?.(held ? 'taken' : lossReason);
    }
    return held;
  };

  return {
    holds,
    async refresh() {
      const instant = now();
      if (instant < lastTry + options.renewEveryMs) return report();
      lastTry = instant;
      try {
        const taken = await leases.tryAcquire(name, holder, instant, instant + options.ttlMs);
        heldUntil = taken ? instant + options.ttlMs : 0;
        if (!taken) return report('held-elsewhere');
      } catch (error) {
        // Unknown whether the write landed: keep what was held, until its expiry.
        options.onError(error);
      }
      return report();
    },
    async release() {
      if (heldUntil === 0) return;
      heldUntil = 0;
      // Taking it again (checks came back) need not wait for the next renewal slot.
      lastTry = Number.NEGATIVE_INFINITY;
      report('released');
      try {
        await leases.release(name, holder);
      } catch (error) {
        options.onError(error);
      }
    },
  };
}
