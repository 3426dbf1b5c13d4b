// GATEWAY_CONFIG_FILE (README "Declarative config and the CLI"): a gateway.yaml
// applied at start (by one process with --workers) and again on SIGHUP.
import path from 'node:path';
import type { VariableReader } from './metrics-config.js';

/** The file's absolute path, or undefined when unset. Its content is checked by main.ts before anything starts. */
export function readConfigFileSetting(read: VariableReader): string | undefined {
  const file = read.optional('GATEWAY_CONFIG_FILE');
  return file === undefined ? undefined : path.resolve(file);
}

/**
 * Logged on SIGHUP when no file is configured (by the one process, or the --workers primary): logrotate and
 * `systemctl reload` send SIGHUP too, and Node's default for it ends the process at once.
 */
export const NOTHING_TO_RELOAD = 'SIGHUP: no GATEWAY_CONFIG_FILE to re-apply; nothing changed';
