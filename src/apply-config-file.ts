// GATEWAY_CONFIG_FILE: the gateway applies a gateway.yaml to itself — at start
// (a failure stops the start) and on SIGHUP (a failure is logged: nothing
// changed, or the changes before a refused one — main.ts). It goes through the admin services over an
// in-process transport: the same validation and invalidation as
// `llm-gateway apply`, no port, no admin token. Never logs a secret: created
// keys are named, their secrets are not shown (`llm-gateway keys rotate`).
import { createClient, createRouterTransport, type ConnectRouter } from '@connectrpc/connect';
import { HealthChecksService } from '../gen/llmgateway/v1/health_checks_service_pb.js';
import { KeysService } from '../gen/llmgateway/v1/keys_service_pb.js';
import { PromptRulesService } from '../gen/llmgateway/v1/prompt_rules_service_pb.js';
import { ProvidersService } from '../gen/llmgateway/v1/providers_service_pb.js';
import { RoutesService } from '../gen/llmgateway/v1/routes_service_pb.js';
import type { AdminClients } from './declarative/admin-clients.js';
import { actionWord, applyPlan } from './declarative/apply-plan.js';
import { planConfig } from './declarative/plan.js';
import { planSummary } from './declarative/format-plan.js';
import { readConfigFile } from './declarative/read-config-file.js';
import type { GatewayLog } from './compose-contract.js';

export interface ConfigFileApplier {
  /** Reads, plans and applies the file; throws (ConfigFileError, ApplyError) when it cannot. */
  apply(reason: 'start' | 'SIGHUP'): Promise<void>;
}

export interface ConfigFileApplierOptions {
  file: string;
  registerAdmin: (router: ConnectRouter) => void;
  log: GatewayLog;
  /** llm_gateway_config_file_applies_total. */
  onApplied: (reason: 'start' | 'sighup', ok: boolean) => void;
}

export function createConfigFileApplier({ file, registerAdmin, log, onApplied }: ConfigFileApplierOptions): ConfigFileApplier {
  const transport = createRouterTransport(registerAdmin);
  const clients: AdminClients = {
    keys: createClient(KeysService, transport),
    providers: createClient(ProvidersService, transport),
    routes: createClient(RoutesService, transport),
    promptRules: createClient(PromptRulesService, transport),
    healthChecks: createClient(HealthChecksService, transport),
  };
  return {
    async apply(reason) {
      try {
        await applyOnce(reason);
        onApplied(reason === 'start' ? 'start' : 'sighup', true);
      } catch (error) {
        onApplied(reason === 'start' ? 'start' : 'sighup', false);
        throw error;
      }
    },
  };

  async function applyOnce(reason: 'start' | 'SIGHUP'): Promise<void> {
    const document = readConfigFile(file);
    const plan = await planConfig(document, clients, { environment: process.env });
    for (const warning of plan.warnings) log.warn({ file }, warning);
    const result = await applyPlan(plan);
    for (const change of result.applied) {
      log.info({ kind: change.kind, name: change.name, action: actionWord(change.action), fields: change.fields, source: change.source }, 'configuration file: applied a change');
    }
    for (const created of result.createdSecrets) {
      log.warn({ key: created.name, id: created.id }, 'configuration file: created a key; its secret is not shown — issue one with `llm-gateway keys rotate`');
    }
    log.info({ file, reason, changes: result.applied.length, unchanged: plan.unchanged }, `configuration file applied: ${planSummary(result.applied, plan.unchanged)}`);
  }
}
