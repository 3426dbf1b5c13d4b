// Whether the gateway can serve: the process answers and its database does
// too. One check behind GET /readyz and the gRPC health service, so probes of
// either kind see the same answer. A database that hangs (a frozen server, a
// blackholed link: the connection stays open, nothing comes back) is not
// ready once its ping has gone unanswered as long as a key's re-read waits
// (README "Database outages"), rather than holding every probe with it.
import { DEFAULT_READ_WAIT_MS } from '../core/auth/key-lookup.js';

export interface Pingable {
  ping(): Promise<void>;
}

/** Resolves true when ready, false within `waitMs`; never rejects (`onUnready` hears why not). */
export function readinessOf(database: Pingable, onUnready: (error: unknown) => void = () => {}, waitMs = DEFAULT_READ_WAIT_MS): () => Promise<boolean> {
  // One ping at a time: probes of a hung database share the one waiting, instead of adding one each.
  let pending: Promise<void> | undefined;
  return async () => {
    const ping = (pending ??= database.ping().finally(() => (pending = undefined)));
    let timer: NodeJS.Timeout | undefined;
    const unanswered = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the database did not answer a ping within ${waitMs} ms`)), waitMs);
    });
    try {
      await Promise.race([ping, unanswered]);
      return true;
    } catch (error) {
      onUnready(error);
      return false;
    } finally {
      clearTimeout(timer);
    }
  };
}
