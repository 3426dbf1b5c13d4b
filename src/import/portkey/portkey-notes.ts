// The parts of a Portkey target with no counterpart in a route target, each
// listed with the reason. Keys and other secrets are named, never shown.
import type { Unmapped } from '../import-draft.js';

export type JsonObject = Record<string, unknown>;

const MAPPED = new Set([
  'provider', 'api_key', 'apiKey', 'custom_host', 'customHost', 'override_params', 'overrideParams', 'weight', 'retry',
  'request_timeout', 'requestTimeout', 'resource_name', 'resourceName', 'deployment_id', 'deploymentId', 'api_version', 'apiVersion', 'name',
]);

export function portkeyLeafNotes(target: JsonObject, source: string, unmapped: Unmapped[]): void {
  for (const key of Object.keys(target).filter((name) => !MAPPED.has(name))) {
    unmapped.push({ source: `${source}.${key}`, reason: reasonFor(key) });
  }
  const overrides = (target.override_params ?? target.overrideParams) as JsonObject | undefined;
  for (const key of Object.keys(overrides ?? {}).filter((name) => name !== 'model')) {
    unmapped.push({ source: `${source}.override_params.${key}`, reason: 'request parameter overrides have no counterpart in a route; not imported' });
  }
  const retry = target.retry as JsonObject | undefined;
  if (retry && retry.on_status_codes !== undefined) {
    unmapped.push({ source: `${source}.retry.on_status_codes`, reason: 'retries here follow the failure kind (429, 5xx, timeouts); the list was not imported' });
  }
}

function reasonFor(key: string): string {
  switch (key) {
    case 'virtual_key':
    case 'virtualKey':
      return 'the key behind a Portkey virtual key stays in Portkey’s vault; set the provider’s key with the admin API (UpdateProvider)';
    case 'cache':
      return 'the cache is a key setting here (cache_enabled on each key); not imported';
    default:
      return 'has no counterpart in a route; not imported';
  }
}
