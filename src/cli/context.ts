// What every subcommand receives: the global options (--url, --admin-token,
// --timeout, --json) resolved lazily, so `--help` and usage errors never need a gateway.
import type { Command } from 'commander';
import { connect, type GatewayConnection } from './connection.js';
import { createOutput, type Output } from './output.js';

export interface GlobalOptions {
  url?: string;
  adminToken?: string;
  timeout?: string;
  json?: boolean;
}

export interface CommandContext {
  output: Output;
  connection(): GatewayConnection;
}

export function contextOf(command: Command): CommandContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  let connection: GatewayConnection | undefined;
  return {
    output: createOutput(options.json === true),
    connection: () => (connection ??= connect(options)),
  };
}
