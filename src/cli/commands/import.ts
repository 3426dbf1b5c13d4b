// `llm-gateway import legacy|portkey|litellm`: moves configuration in from the
// old gateway's database, a Portkey config or a LiteLLM config.yaml, through
// the admin API. `--dry-run` prints the plan and changes nothing; a re-run
// plans nothing new; what could not be mapped is listed with the reason.
// Exit 1 when an applied call failed; the unmapped list alone is not a failure.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { ImportDraft } from '../../import/import-draft.js';
import type { Provider } from '../../../gen/llmgateway/v1/providers_service_pb.js';
import { outcomeLines, planJson, planLines } from '../../import/render-plan.js';
import { runImport } from '../../import/run-import.js';
import type { LegacyTables } from '../../import/legacy/legacy-database.js';
import { contextOf } from '../context.js';
import { CliError, EXIT, usageError } from '../exit-codes.js';

/**
 * `draft` is read from the source before the gateway is asked (a source that does not parse is refused first);
 * `redraft`, when given, makes it again with the providers the gateway holds, which Portkey's and LiteLLM's
 * provider ids depend on (src/import/provider-ids.ts).
 */
async function importDraft(command: Command, draft: ImportDraft, dryRun: boolean, redraft?: (providers: readonly Provider[]) => ImportDraft): Promise<void> {
  const context = contextOf(command);
  const run = await runImport((existing) => (redraft ? redraft(existing.providers) : draft), context.connection(), dryRun);
  context.output.data(planJson(run.plan, run.outcomes));
  for (const line of planLines(run.plan)) context.output.say(line);
  if (!run.outcomes) {
    context.output.say('Dry run: nothing was changed.');
    return;
  }
  for (const line of outcomeLines(run.outcomes)) context.output.say(line);
  const failed = run.outcomes.filter((outcome) => outcome.error !== '').length;
  if (failed > 0) throw new CliError(`${failed} of ${run.outcomes.length} import calls failed (listed above)`, EXIT.error);
}

function readSource(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

export function importCommand(): Command {
  const command = new Command('import').description('move configuration in from the old gateway, Portkey or LiteLLM');
  command
    .command('legacy')
    .description('the old gateway\'s MySQL database, SQLite file or encrypted backup: providers (keys decrypted with its JWT_SECRET), models, routes, expert routes, virtual keys')
    .option('--mysql-url <url>', 'the old database, e.g. mysql://user:pass@host:3306/llm_gateway (env LEGACY_MYSQL_URL)')
    .option('--sqlite <file>', 'the old gateway\'s SQLite file (its DB_PATH, default ./data/gateway.db), opened read-only')
    .option('--backup <file>', 'an encrypted backup of the old gateway (backup_<ISO>.tar.gz.enc), decrypted with --jwt-secret')
    .option('--jwt-secret <secret>', 'the old gateway\'s JWT_SECRET, which encrypted its provider keys and backups (env LEGACY_JWT_SECRET)')
    .option('--dry-run', 'print the plan, change nothing')
    .action(async (options: LegacyOptions, sub: Command) => {
      const jwtSecret = options.jwtSecret ?? process.env.LEGACY_JWT_SECRET;
      if (!jwtSecret) throw usageError('no JWT secret: pass --jwt-secret or set LEGACY_JWT_SECRET');
      const read = legacyReader(options, jwtSecret);
      const { draftFromLegacy } = await import('../../import/legacy/import-legacy.js');
      const tables = await read();
      // A secret that decrypts none of the provider keys is refused like a backup it does not open.
      await importDraft(sub, await legacyParsed(() => draftFromLegacy(tables, jwtSecret)), options.dryRun === true);
    });
  command
    .command('portkey <config-file>')
    .description('a Portkey config (JSON): providers and routes; the config becomes one route, nested strategies routes of their own')
    .option('--route <name>', 'the route (model name clients send) for the config\'s top level', 'portkey')
    .option('--dry-run', 'print the plan, change nothing')
    .action(async (file: string, options: { route: string; dryRun?: boolean }, sub: Command) => {
      const configText = readSource(file);
      const { draftFromPortkey } = await import('../../import/portkey/import-portkey.js');
      const draft = parsed(() => draftFromPortkey(configText, options.route));
      await importDraft(sub, draft, options.dryRun === true, (providers) => draftFromPortkey(configText, options.route, providers));
    });
  command
    .command('litellm <config-file>')
    .description('a LiteLLM proxy config.yaml: providers, models and a route per model_name (keys from os.environ/NAME read here)')
    .option('--dry-run', 'print the plan, change nothing')
    .action(async (file: string, options: { dryRun?: boolean }, sub: Command) => {
      const configText = readSource(file);
      const { draftFromLitellm } = await import('../../import/litellm/import-litellm.js');
      const draft = parsed(() => draftFromLitellm(configText, process.env));
      await importDraft(sub, draft, options.dryRun === true, (providers) => draftFromLitellm(configText, process.env, providers));
    });
  return command;
}

/** A source file that cannot be read as its format is invalid input (exit 3), not a gateway failure. */
function parsed(read: () => ImportDraft): ImportDraft {
  try {
    return read();
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), EXIT.validation);
  }
}

interface LegacyOptions { mysqlUrl?: string; sqlite?: string; backup?: string; jwtSecret?: string; dryRun?: boolean }

/** Exactly one source: --mysql-url, --sqlite or --backup (LEGACY_MYSQL_URL when none is given). */
function legacyReader(options: LegacyOptions, jwtSecret: string): () => Promise<LegacyTables> {
  const given = [options.mysqlUrl, options.sqlite, options.backup].filter((value) => value !== undefined).length;
  if (given > 1) throw usageError('give exactly one of --mysql-url, --sqlite and --backup');
  if (options.sqlite !== undefined) {
    const file = options.sqlite;
    readSourceBytes(file);
    return async () => {
      const { readLegacySqlite } = await import('../../import/legacy/legacy-sqlite.js');
      return legacyParsed(() => readLegacySqlite(file));
    };
  }
  if (options.backup !== undefined) {
    const bytes = readSourceBytes(options.backup);
    return async () => {
      const { readLegacyBackup } = await import('../../import/legacy/legacy-backup.js');
      return legacyParsed(() => readLegacyBackup(bytes, jwtSecret));
    };
  }
  const url = options.mysqlUrl ?? process.env.LEGACY_MYSQL_URL;
  if (!url) throw usageError('no old gateway data: pass --mysql-url (or set LEGACY_MYSQL_URL), --sqlite FILE or --backup FILE');
  return async () => {
    const { readLegacyMysql } = await import('../../import/legacy/legacy-database.js');
    return readLegacyMysql(url);
  };
}

function readSourceBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** A legacy file that is not what it claims (or a backup or provider keys under the wrong secret) is invalid input (exit 3). */
async function legacyParsed<Result>(read: () => Result | Promise<Result>): Promise<Result> {
  const { LegacySourceError } = await import('../../import/legacy/legacy-source-error.js');
  try {
    return await read();
  } catch (error) {
    if (error instanceof LegacySourceError) throw new CliError(error.message, EXIT.validation);
    throw error;
  }
}
