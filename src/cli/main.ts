// `llm-gateway`: the admin CLI. It talks to a running gateway through its
// Connect admin API, so it works against any replica. One file per
// subcommand under commands/, registered here. Exit codes: exit-codes.ts.
import { Command, CommanderError } from 'commander';
import { applyCommand } from './commands/apply.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { keysCommand } from './commands/keys.js';
import { providersCommand } from './commands/providers.js';
import { usageCommand } from './commands/usage.js';
import { classifyFailure, EXIT } from './exit-codes.js';
import { DEFAULT_TIMEOUT, resolveUrl } from './connection.js';

export function createProgram(): Command {
  const program = new Command('llm-gateway')
    .description('Administer a running LLM gateway through its admin API.')
    .option('--url <url>', 'the gateway (env GATEWAY_URL; default http://127.0.0.1:8080)')
    .option('--admin-token <token>', 'the admin token (env GATEWAY_ADMIN_TOKEN)')
    .option('--timeout <duration>', `how long one call to the gateway may take, e.g. 30s or 2m (env GATEWAY_CLI_TIMEOUT; default ${DEFAULT_TIMEOUT})`)
    .option('--json', 'print JSON for scripts instead of tables')
    .showHelpAfterError()
    .addHelpText('after', '\nExit codes: 0 ok, 1 error, 2 usage, 3 invalid configuration or value, 4 gateway unreachable (or no answer within --timeout), unavailable, or admin token refused.');
  for (const command of [applyCommand(), exportCommand(), keysCommand(), providersCommand(), usageCommand(), importCommand()]) program.addCommand(command);
  // Usage errors (unknown option, missing argument) exit 2 everywhere, like --help's siblings.
  const exitOverride = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(exitOverride);
  };
  exitOverride(program);
  return program;
}

async function main(): Promise<void> {
  const program = createProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end "successfully" through the same path.
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    const options = program.opts<{ url?: string; timeout?: string }>();
    let url = '(unknown)';
    try {
      url = resolveUrl(options, process.env);
    } catch {
      // the failure itself says what is wrong with the URL
    }
    const timeout = options.timeout ?? process.env.GATEWAY_CLI_TIMEOUT ?? DEFAULT_TIMEOUT;
    const failure = classifyFailure(error, { url, timeout });
    process.stderr.write(`llm-gateway: ${failure.message}\n`);
    process.exitCode = failure.exitCode;
  }
}

await main();
