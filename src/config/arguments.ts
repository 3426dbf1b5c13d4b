// Command-line arguments of the gateway process: only `--workers N` (or
// `--workers=N`); everything else is configured through the environment.
import { ConfigError, MAX_WORKERS } from './config.js';

export interface GatewayArguments {
  /** Set when given; overrides GATEWAY_WORKERS. */
  workers: number | undefined;
}

export function parseArguments(args: readonly string[]): GatewayArguments {
  const problems: string[] = [];
  let workers: number | undefined;
  for (let index = 0; index < args.length; index += 1) {
    const argument = args[index]!;
    const inline = /^--workers=(.*)$/.exec(argument);
    if (argument !== '--workers' && !inline) {
      problems.push(`${argument}: unknown argument (the only one is --workers N; the rest is set through GATEWAY_* variables)`);
      continue;
    }
    const value = inline ? inline[1]! : args[(index += 1)];
    if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_WORKERS) {
      problems.push(`--workers: must be a whole number from 1 to ${MAX_WORKERS}`);
      continue;
    }
    workers = Number(value);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { workers };
}
