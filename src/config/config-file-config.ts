// GATEWAY_CONFIG_FILE (README "Declarative config and the CLI"): a gateway.yaml
// applied at start (by one process with --workers) and again on SIGHUP.
import path from 'node:path';
import type { VariableReader } from './metrics-config.js';

/** The file's absolute path, or undefined when unset. Its content is checked by main.ts before anything starts. */
export function readConfigFileSetting(read: VariableReader): string | undefined {
  const file = read.optional('GATEWAY_CONFIG_FILE');
  return file === undefined ? undefined : path.resolve(file);
}
