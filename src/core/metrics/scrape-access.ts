// Who may read GET /metrics: a bearer token that is either the admin token or
// the read-only scrape credential GATEWAY_METRICS_TOKEN (what Prometheus sends
// with `authorization: { type: Bearer, credentials_file: … }`), compared by
// hash in constant time, like every other credential of the gateway.
import type { AdminTokenVerifier } from '../auth/admin-token.js';
import { hashesEqual, hashSecret } from '../auth/virtual-key-secret.js';

export type ScrapeAccess = (authorization: string | undefined) => boolean;

export function createScrapeAccess(options: { adminToken: AdminTokenVerifier; metricsToken: string | undefined }): ScrapeAccess {
  const metricsHash = options.metricsToken === undefined ? undefined : hashSecret(options.metricsToken);
  return (authorization) => {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (token === undefined) return false;
    if (metricsHash !== undefined && hashesEqual(hashSecret(token), metricsHash)) return true;
    try {
      options.adminToken.verify(token);
      return true;
    } catch {
      return false;
    }
  };
}
