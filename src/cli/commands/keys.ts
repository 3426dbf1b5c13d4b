// `llm-gateway keys create|list|rotate|revoke`: virtual keys over KeysService.
// A key is named by its id or by its name when that name is unique.
import { create } from '@bufbuild/protobuf';
import { durationFromMs, timestampDate, timestampFromMs } from '@bufbuild/protobuf/wkt';
import { Command, Option } from 'commander';
import {
  BudgetPeriod,
  BudgetSchema,
  BudgetUnit,
  RateLimitsSchema,
  type VirtualKey,
} from '../../../gen/llmgateway/v1/keys_service_pb.js';
import { listAll } from '../../declarative/admin-clients.js';
import { DURATION_FORMS, parseDurationMs } from '../../declarative/durations.js';
import { contextOf, type CommandContext } from '../context.js';
import { CliError, EXIT, usageError } from '../exit-codes.js';
import { keyJson } from '../json-views.js';

const PERIODS: Record<string, BudgetPeriod> = {
  day: BudgetPeriod.DAY,
  week: BudgetPeriod.WEEK,
  month: BudgetPeriod.MONTH,
  total: BudgetPeriod.TOTAL,
};

function durationOption(name: string, text: string): number {
  const milliseconds = parseDurationMs(text);
  if (milliseconds === undefined) throw usageError(`${name}: expected ${DURATION_FORMS}, got "${text}"`);
  return milliseconds;
}

function whole(name: string, text: string): number {
  if (!/^\d+$/.test(text)) throw usageError(`${name}: expected a whole number, got "${text}"`);
  return Number(text);
}

function keyState(key: VirtualKey): string {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && timestampDate(key.expiresAt).getTime() <= Date.now()) return 'expired';
  return key.enabled ? 'enabled' : 'disabled';
}

/** An id ("key_…") as is; otherwise the one live key with that name. */
export async function resolveKey(context: CommandContext, reference: string): Promise<VirtualKey> {
  const { keys } = context.connection();
  if (reference.startsWith('key_')) return (await keys.getKey({ id: reference })).key!;
  const named = (await listAll(async (pageToken) => {
    const page = await keys.listKeys({ pageSize: 500, pageToken, nameContains: reference });
    return { items: page.keys, nextPageToken: page.nextPageToken };
  })).filter((key) => key.name === reference && !key.revokedAt);
  if (named.length === 0) throw new CliError(`no key with the id or name "${reference}"`, EXIT.error);
  if (named.length > 1) throw new CliError(`${named.length} keys are named "${reference}": name one by its id`, EXIT.usage);
  return named[0]!;
}

function printKeys(context: CommandContext, keys: VirtualKey[]): void {
  context.output.table(
    ['ID', 'NAME', 'KEY', 'STATE', 'MODELS', 'RPM', 'BUDGET'],
    keys.map((key) => [
      key.id,
      key.name,
      key.display,
      keyState(key),
      key.allowedModels.length === 0 ? '*' : key.allowedModels.join(','),
      key.rateLimits?.requestsPerMinute || '-',
      key.budget ? `${key.budget.amount} ${BudgetUnit[key.budget.unit]?.toLowerCase()}/${BudgetPeriod[key.budget.period]?.toLowerCase()}` : '-',
    ]),
  );
}

function printSecret(context: CommandContext, key: VirtualKey, secret: string): void {
  context.output.data({ key: keyJson(key), secret });
  context.output.say(`${key.id}  ${key.name}\nsecret (shown once): ${secret}`);
}

export function keysCommand(): Command {
  const keys = new Command('keys').description('virtual keys: create, list, rotate, revoke');

  keys
    .command('create')
    .description('issue a key; its secret is printed once')
    .requiredOption('--name <name>', 'the key name (1-200 characters)')
    .option('--allowed-model <pattern...>', 'model patterns the key may use, e.g. "gpt-4o*" (default: all)')
    .option('--rpm <n>', 'requests per minute (default: no limit)')
    .option('--tpm <n>', 'tokens per minute (default: no limit)')
    .option('--budget-usd <amount>', 'a spending budget in US dollars')
    .addOption(new Option('--budget-period <period>', 'the budget period').choices(Object.keys(PERIODS)).default('month'))
    .option('--expires-in <duration>', `when the key stops working, ${DURATION_FORMS}`)
    .option('--cache', 'serve repeated requests from the response cache')
    .option('--log-bodies', 'keep request and response bodies in the request log')
    .action(async (options: { name: string; allowedModel?: string[]; rpm?: string; tpm?: string; budgetUsd?: string; budgetPeriod: string; expiresIn?: string; cache?: boolean; logBodies?: boolean }, command: Command) => {
      const context = contextOf(command);
      const amount = options.budgetUsd === undefined ? undefined : Number(options.budgetUsd);
      if (amount !== undefined && !(amount > 0)) throw usageError(`--budget-usd: expected an amount above 0, got "${options.budgetUsd}"`);
      const expiresIn = options.expiresIn === undefined ? undefined : durationOption('--expires-in', options.expiresIn);
      const answer = await context.connection().keys.createKey({
        name: options.name,
        allowedModels: options.allowedModel ?? [],
        rateLimits: create(RateLimitsSchema, {
          requestsPerMinute: options.rpm === undefined ? 0 : whole('--rpm', options.rpm),
          tokensPerMinute: options.tpm === undefined ? 0 : whole('--tpm', options.tpm),
        }),
        ...(amount === undefined ? {} : { budget: create(BudgetSchema, { amount, unit: BudgetUnit.USD, period: PERIODS[options.budgetPeriod]! }) }),
        ...(expiresIn === undefined ? {} : { expiresAt: timestampFromMs(Date.now() + expiresIn) }),
        cacheEnabled: options.cache === true,
        logRequestBodies: options.logBodies === true,
      });
      printSecret(context, answer.key!, answer.secret);
    });

  keys
    .command('list')
    .description('list keys')
    .option('--name-contains <text>', 'only keys whose name contains this text')
    .option('--include-revoked', 'also list revoked keys')
    .action(async (options: { nameContains?: string; includeRevoked?: boolean }, command: Command) => {
      const context = contextOf(command);
      const client = context.connection().keys;
      const all = await listAll(async (pageToken) => {
        const page = await client.listKeys({ pageSize: 500, pageToken, nameContains: options.nameContains ?? '' });
        return { items: page.keys, nextPageToken: page.nextPageToken };
      });
      const shown = options.includeRevoked ? all : all.filter((key) => !key.revokedAt);
      context.output.data(shown.map(keyJson));
      printKeys(context, shown);
    });

  keys
    .command('rotate <key>')
    .description('issue a new secret for a key (by id or unique name); the new secret is printed once')
    .option('--grace <duration>', `how long the old secret keeps working, ${DURATION_FORMS} (default: stops at once)`)
    .action(async (reference: string, options: { grace?: string }, command: Command) => {
      const context = contextOf(command);
      const grace = options.grace === undefined ? 0 : durationOption('--grace', options.grace);
      const key = await resolveKey(context, reference);
      const answer = await context.connection().keys.rotateKey({ id: key.id, gracePeriod: durationFromMs(grace) });
      printSecret(context, answer.key!, answer.secret);
    });

  keys
    .command('revoke <key>')
    .description('disable a key (by id or unique name) at once, for good')
    .action(async (reference: string, _options: object, command: Command) => {
      const context = contextOf(command);
      const key = await resolveKey(context, reference);
      const answer = await context.connection().keys.revokeKey({ id: key.id });
      context.output.data(keyJson(answer.key!));
      context.output.say(`revoked ${answer.key!.id} (${answer.key!.name})`);
    });

  return keys;
}
