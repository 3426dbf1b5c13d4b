// An import plan for people (lines like `terraform plan`) and for scripts
// (JSON). Neither ever holds a secret: provider API keys and imported key
// secrets are left out of both, only their presence is shown.
import { toJson, type JsonValue } from '@bufbuild/protobuf';
import { CreateKeyRequestSchema, UpdateKeyRequestSchema } from '../../gen/llmgateway/v1/keys_service_pb.js';
import { CreateProviderRequestSchema, UpdateProviderRequestSchema } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { CreateRouteRequestSchema, UpdateRouteRequestSchema } from '../../gen/llmgateway/v1/routes_service_pb.js';
import type { CallOutcome } from './apply-plan.js';
import type { ImportPlan, PlannedCall } from './import-plan.js';

const SYMBOL = { create: '+', update: '~' } as const;

export function planLines(plan: ImportPlan): string[] {
  const lines = plan.calls.map((call) => `${SYMBOL[call.action]} ${call.action} ${call.kind} ${call.name}${call.action === 'update' ? ` (${call.fields.join(', ')})` : ''}`);
  lines.push(...plan.unchanged.map((object) => `= unchanged ${object.kind} ${object.name}`));
  const creates = plan.calls.filter((call) => call.action === 'create').length;
  lines.push(`Plan: ${creates} to create, ${plan.calls.length - creates} to update, ${plan.unchanged.length} unchanged.`);
  if (plan.unmapped.length > 0) {
    lines.push('', `Not imported or imported in part (${plan.unmapped.length}):`);
    lines.push(...plan.unmapped.map((item) => `  ! ${item.source}: ${item.reason}`));
  }
  return lines;
}

export function outcomeLines(outcomes: CallOutcome[]): string[] {
  const failed = outcomes.filter((outcome) => outcome.error !== '');
  return [
    ...failed.map((outcome) => `✗ ${outcome.call.action} ${outcome.call.kind} ${outcome.call.name}: ${outcome.error}`),
    `Applied: ${outcomes.length - failed.length} of ${outcomes.length} calls succeeded.`,
  ];
}

/** The plan as JSON: each call's request in the admin API's JSON form, secrets removed. */
export function planJson(plan: ImportPlan, outcomes?: CallOutcome[]): JsonValue {
  return {
    calls: plan.calls.map((call, index) => ({
      action: call.action,
      kind: call.kind,
      name: call.name,
      ...(call.action === 'update' ? { fields: call.fields } : {}),
      request: requestJson(call),
      ...(outcomes ? { error: outcomes[index]?.error ?? '' } : {}),
    })),
    unchanged: plan.unchanged,
    unmapped: plan.unmapped as unknown as JsonValue,
  } as JsonValue;
}

function requestJson(call: PlannedCall): JsonValue {
  const json = ((): Record<string, JsonValue> => {
    switch (call.kind) {
      case 'provider':
        return (call.action === 'create' ? toJson(CreateProviderRequestSchema, call.request) : toJson(UpdateProviderRequestSchema, call.request)) as Record<string, JsonValue>;
      case 'route':
        return (call.action === 'create' ? toJson(CreateRouteRequestSchema, call.request) : toJson(UpdateRouteRequestSchema, call.request)) as Record<string, JsonValue>;
      default:
        return (call.action === 'create' ? toJson(CreateKeyRequestSchema, call.request) : toJson(UpdateKeyRequestSchema, call.request)) as Record<string, JsonValue>;
    }
  })();
  for (const secretField of ['apiKey', 'existingSecret']) {
    if (typeof json[secretField] === 'string') json[secretField] = '(set, not shown)';
  }
  return json;
}
