// The virtual-key authenticator as the composition root configures it: the key cache's lifetimes from the
// configuration, and a database that cannot be read reported through the outage throttle (one line per kind
// every 10 s, with the count), not once per request.
import { createKeyAuthenticator, type KeyAuthenticator } from './core/auth/authenticate-key.js';
import type { ReportThrottle } from './core/request-log/report-throttle.js';
import type { ComposeOptions } from './compose-contract.js';

export type KeyOutageReport = 'key-read-failed' | 'key-served-stale';

export function composeAuthenticator<K extends string>(options: ComposeOptions, reports: ReportThrottle<K | KeyOutageReport>): KeyAuthenticator {
  const { storage, config, now } = options;
  return createKeyAuthenticator({
    keys: storage.keys,
    now,
    ...(config.keyCacheTtlMs === undefined ? {} : { ttlMs: config.keyCacheTtlMs }),
    ...(config.keyStaleMaxMs === undefined ? {} : { staleMaxMs: config.keyStaleMaxMs }),
    onReadError: (error) => reports.add('key-read-failed', 1, (total) => `reading virtual keys failed ${total} time(s)`, error),
    onStaleServed: () => reports.add('key-served-stale', 1, (total) => `virtual keys unreadable: ${total} request(s) authenticated from the last known key state`),
  });
}
