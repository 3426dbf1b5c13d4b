// Whether the gateway can serve: the process answers and its database does
// too. One check behind GET /readyz and the gRPC health service, so probes of
// either kind see the same answer.
export interface Pingable {
  ping(): Promise<void>;
}

/** Resolves true when ready; never rejects (`onUnready` hears why not). */
export function readinessOf(database: Pingable, onUnready: (error: unknown) => void = () => {}): () => Promise<boolean> {
  return async () => {
    try {
      await database.ping();
      return true;
    } catch (error) {
      onUnready(error);
      return false;
    }
  };
}
