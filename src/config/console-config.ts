// GATEWAY_CONSOLE (README "Console"): the admin console's static files at /console/, on by default.
// GATEWAY_CONSOLE_DIR points at a built console elsewhere (default: dist/console/ of this install).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { VariableReader } from './metrics-config.js';

export interface ConsoleConfig {
  enabled: boolean;
  /** Unset: dist/console found from the running code's location. */
  dir: string | undefined;
}

export function readConsoleConfig(read: VariableReader): ConsoleConfig {
  const value = (read.optional('GATEWAY_CONSOLE') ?? 'on').toLowerCase();
  if (value !== 'on' && value !== 'off') read.problems.push('GATEWAY_CONSOLE: must be on or off');
  const dir = read.optional('GATEWAY_CONSOLE_DIR');
  // Set by the operator, it must hold a built console: a typo would otherwise start a gateway whose console is 404.
  if (dir !== undefined && value !== 'off' && !existsSync(path.join(dir, 'index.html'))) {
    read.problems.push(`GATEWAY_CONSOLE_DIR: ${dir} holds no built console (no index.html)`);
  }
  return { enabled: value !== 'off', dir };
}
