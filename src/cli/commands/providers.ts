// `llm-gateway providers test [ID...]`: a tiny real completion through each
// provider (ProvidersService.TestProvider). Exit 1 when any test fails.
import { durationMs } from '@bufbuild/protobuf/wkt';
import { Command } from 'commander';
import { listAll } from '../../declarative/admin-clients.js';
import { contextOf } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';

export function providersCommand(): Command {
  const providers = new Command('providers').description('upstream providers');
  providers
    .command('test [ids...]')
    .description('send a tiny completion through each provider (default: every enabled provider)')
    .option('--model <upstream-model>', 'the upstream model to try (default: the provider\'s first enabled model)')
    .action(async (ids: string[], options: { model?: string }, command: Command) => {
      const context = contextOf(command);
      const client = context.connection().providers;
      const chosen = ids.length > 0
        ? ids
        : (await listAll(async (pageToken) => {
            const page = await client.listProviders({ pageSize: 500, pageToken });
            return { items: page.providers, nextPageToken: page.nextPageToken };
          })).filter((provider) => provider.enabled).map((provider) => provider.id);
      const results = [];
      for (const id of chosen) {
        const answer = await client.testProvider({ id, upstreamModel: options.model ?? '' });
        results.push({
          provider: id,
          ok: answer.ok,
          upstreamModel: answer.upstreamModel,
          latencyMs: answer.latency ? Math.round(durationMs(answer.latency)) : 0,
          errorKind: answer.errorKind,
          errorMessage: answer.errorMessage,
          upstreamStatus: answer.upstreamStatus,
        });
      }
      context.output.data(results);
      context.output.table(
        ['PROVIDER', 'MODEL', 'RESULT', 'LATENCY', 'ERROR'],
        results.map((result) => [
          result.provider,
          result.upstreamModel,
          result.ok ? 'ok' : 'FAILED',
          `${result.latencyMs} ms`,
          result.ok ? '' : `${result.errorKind}${result.upstreamStatus ? ` (${result.upstreamStatus})` : ''}: ${result.errorMessage}`,
        ]),
      );
      const failed = results.filter((result) => !result.ok).length;
      if (failed > 0) throw new CliError(`${failed} of ${results.length} providers failed the test`, EXIT.error);
    });
  return providers;
}
