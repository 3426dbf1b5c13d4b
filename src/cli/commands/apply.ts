// `llm-gateway apply -f FILE [--dry-run]`: make the gateway match a
// gateway.yaml. Prints the plan (like `terraform plan`), then applies it unless
// --dry-run. Secrets of keys it creates are printed once.
import { toJson } from '@bufbuild/protobuf';
import { ConnectError } from '@connectrpc/connect';
import { Command } from 'commander';
import { ConfigChangeSchema } from '../../../gen/llmgateway/v1/gateway_config_pb.js';
import { ApplyError, applyPlan } from '../../declarative/apply-plan.js';
import { formatPlan } from '../../declarative/format-plan.js';
import { planConfig } from '../../declarative/plan.js';
import { readConfigFile } from '../../declarative/read-config-file.js';
import { contextOf } from '../context.js';
import { CliError, classifyFailure, EXIT } from '../exit-codes.js';

export function applyCommand(): Command {
  return new Command('apply')
    .description('create, update (and with prune: true, delete) objects so the gateway matches a configuration file')
    .requiredOption('-f, --file <file>', 'the configuration file (gateway.yaml)')
    .option('--dry-run', 'print the plan and change nothing')
    .action(async (options: { file: string; dryRun?: boolean }, command: Command) => {
      const context = contextOf(command);
      const document = readConfigFile(options.file);
      const connection = context.connection();
      const plan = await planConfig(document, connection, { environment: process.env });
      for (const warning of plan.warnings) context.output.warn(`warning: ${warning}`);
      const changes = plan.steps.map((step) => step.change);
      context.output.say(formatPlan(changes, plan.unchanged));
      const json = {
        changes: changes.map((change) => toJson(ConfigChangeSchema, change)),
        unchanged: plan.unchanged,
        warnings: plan.warnings,
        dryRun: options.dryRun === true,
      };
      if (options.dryRun || changes.length === 0) {
        context.output.data({ ...json, applied: 0, createdKeys: [] });
        if (options.dryRun) context.output.say('Dry run: nothing was changed.');
        return;
      }
      try {
        const result = await applyPlan(plan);
        context.output.data({ ...json, applied: result.applied.length, createdKeys: result.createdSecrets });
        context.output.say(`Applied ${result.applied.length} changes.`);
        for (const created of result.createdSecrets) context.output.say(`key ${created.name} (${created.id}) secret (shown once): ${created.secret}`);
      } catch (error) {
        if (!(error instanceof ApplyError)) throw error;
        // The gateway's own verdict decides the exit code (invalid value → 3, unreachable → 4 …).
        const code = error.reason instanceof ConnectError ? classifyFailure(error.reason, connection).exitCode : EXIT.error;
        throw new CliError(error.message, code);
      }
    });
}
