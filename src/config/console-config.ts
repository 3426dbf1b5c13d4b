// GATEWAY_CONSOLE (README "Console"): the admin console's static files at /console/, on by default.
// GATEWAY_CONSOLE_DIR points at a built console elsewhere (default: dist/console/ of this install).
import type { VariableReader } from './metrics-config.js';

export interface ConsoleConfig {
  enabled: boolean;
  /** Unset: dist/console found from the running code's location. */
  dir: string | undefined;
}

export function readConsoleConfig(read: VariableReader): ConsoleConfig {
  const value = (read.optional('GATEWAY_CONSOLE') ?? 'on').toLowerCase();
  if (value !== 'on' && value !== 'off') read.problems.push('GATEWAY_CONSOLE: must be on or off');
  return { enabled: value !== 'off', dir: read.optional('GATEWAY_CONSOLE_DIR') };
}
