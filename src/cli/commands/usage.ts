// `llm-gateway usage`: spend per key, model, provider or day over a period
// (UsageService.AggregateUsage), with the key's name beside its id.
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { Command, Option } from 'commander';
import { UsageGrouping } from '../../../gen/llmgateway/v1/usage_service_pb.js';
import { listAll } from '../../declarative/admin-clients.js';
import { DURATION_FORMS, parseDurationMs } from '../../declarative/durations.js';
import { contextOf } from '../context.js';
import { usageError } from '../exit-codes.js';

const GROUPINGS: Record<string, UsageGrouping> = {
  key: UsageGrouping.KEY,
  model: UsageGrouping.MODEL,
  provider: UsageGrouping.PROVIDER,
  day: UsageGrouping.DAY,
};

/** An ISO date/time, or a duration meaning "that long ago". */
function instant(name: string, text: string, now: number): number {
  const ago = parseDurationMs(text);
  if (ago !== undefined) return now - ago;
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) throw usageError(`${name}: expected an ISO date (2026-01-31, 2026-01-31T12:00:00Z) or ${DURATION_FORMS} ago, got "${text}"`);
  return parsed;
}

/** Cents; below a cent, three significant digits (a call can cost $0.00000032, never shown as $0.000000). */
export function money(value: number): string {
  const small = Number(value.toPrecision(3));
  if (small === 0 || Math.abs(small) >= 0.01) return `$${value.toFixed(2)}`;
  return `$${small.toFixed(Math.min(20, 2 - Math.floor(Math.log10(Math.abs(small)))))}`;
}

export function usageCommand(): Command {
  return new Command('usage')
    .description('requests, tokens and spend grouped by key, model, provider or day for a period')
    .addOption(new Option('--by <grouping>', 'how to group').choices(Object.keys(GROUPINGS)).default('key'))
    .option('--since <when>', 'start of the period: an ISO date or a duration ago such as 7d', '30d')
    .option('--until <when>', 'end of the period (exclusive): an ISO date or a duration ago (default: now)')
    .option('--key <id>', 'only this key id')
    .option('--model <model>', 'only this (requested or upstream) model')
    .action(async (options: { by: string; since: string; until?: string; key?: string; model?: string }, command: Command) => {
      const context = contextOf(command);
      const now = Date.now();
      const from = instant('--since', options.since, now);
      const to = options.until === undefined ? now + 1 : instant('--until', options.until, now);
      if (to <= from) throw usageError(options.until === undefined ? `--since ${options.since} is in the future: nothing was used after now` : '--until must be after --since');
      const connection = context.connection();
      const grouping = GROUPINGS[options.by]!;
      const answer = await connection.usage.aggregateUsage({
        groupBy: grouping,
        filter: { keyId: options.key ?? '', model: options.model ?? '', from: timestampFromMs(from), to: timestampFromMs(to) },
      });
      const names = new Map<string, string>();
      if (grouping === UsageGrouping.KEY && answer.rows.length > 0) {
        const keys = await listAll(async (pageToken) => {
          const page = await connection.keys.listKeys({ pageSize: 500, pageToken });
          return { items: page.keys, nextPageToken: page.nextPageToken };
        });
        for (const key of keys) names.set(key.id, key.name);
      }
      const rows = answer.rows.map((row) => ({
        group: row.group,
        ...(grouping === UsageGrouping.KEY ? { name: names.get(row.group) ?? '' } : {}),
        requests: row.requests,
        errors: row.errors,
        // What providers processed; what cache hits served is apart (UsageAggregate's comment).
        inputTokens: Number(row.inputTokens),
        outputTokens: Number(row.outputTokens),
        cachedInputTokens: Number(row.cachedInputTokens),
        cacheWriteTokens: Number(row.cacheWriteTokens),
        cacheHits: row.cacheHits,
        cacheHitInputTokens: Number(row.cacheHitInputTokens),
        cacheHitOutputTokens: Number(row.cacheHitOutputTokens),
        costUsd: row.costUsd,
      }));
      context.output.data({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), groupBy: options.by, rows });
      const head = [options.by.toUpperCase(), ...(grouping === UsageGrouping.KEY ? ['NAME'] : []), 'REQUESTS', 'ERRORS', 'CACHE HITS', 'INPUT TOKENS', 'OUTPUT TOKENS', 'COST'];
      const total = rows.reduce((sum, row) => sum + row.costUsd, 0);
      context.output.table(head, rows.map((row) => [
        row.group,
        ...(grouping === UsageGrouping.KEY ? [row.name ?? ''] : []),
        row.requests,
        row.errors,
        row.cacheHits,
        row.inputTokens,
        row.outputTokens,
        money(row.costUsd),
      ]));
      context.output.say(`${new Date(from).toISOString()} – ${new Date(to).toISOString()}: ${rows.reduce((sum, row) => sum + row.requests, 0)} requests, ${money(total)}`);
    });
}
