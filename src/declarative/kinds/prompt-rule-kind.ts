// Prompt rules: identified by their scope (a route name or a key name) and
// their name. A rule scoped to a key created by the same apply is created
// after the key (apply order), with the key's new id.
import { create } from '@bufbuild/protobuf';
import { Role } from '../../../gen/llmgateway/v1/chat_pb.js';
import { PromptRuleConfigSchema, type PromptRuleConfig } from '../../../gen/llmgateway/v1/gateway_config_pb.js';
import {
  CreatePromptRuleRequestSchema,
  PromptRuleOperation,
  PromptRuleScope,
  UpdatePromptRuleRequestSchema,
  type CreatePromptRuleRequest,
  type PromptRule,
} from '../../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import { promptRuleIdentity } from '../read-config-file.js';
import type { ApplyContext, ObjectKind } from './kind.js';
import { listEvery, pickFields, protoView } from './message-fields.js';

function normalized(rule: PromptRuleConfig): PromptRuleConfig {
  // The gateway stores a regex rule without roles as rewriting system and user messages.
  const roles = rule.operation === PromptRuleOperation.REGEX_REPLACE && rule.roles.length === 0 ? [Role.SYSTEM, Role.USER] : rule.roles;
  return create(PromptRuleConfigSchema, { ...rule, enabled: rule.enabled ?? true, roles });
}

function fromCurrent(current: PromptRule, context: ApplyContext): PromptRuleConfig {
  return create(PromptRuleConfigSchema, {
    name: current.name,
    enabled: current.enabled,
    route: current.scope === PromptRuleScope.ROUTE ? current.scopeId : '',
    key: current.scope === PromptRuleScope.KEY ? (context.keyNames.get(current.scopeId) ?? current.scopeId) : '',
    order: current.order,
    operation: current.operation,
    text: current.text,
    pattern: current.pattern,
    flags: current.flags,
    replacement: current.replacement,
    roles: current.roles,
    firstUserTurnOnly: current.firstUserTurnOnly,
  });
}

function createRequest(rule: PromptRuleConfig, context: ApplyContext): CreatePromptRuleRequest {
  const { route, key, $typeName: _config, $unknown: _unknown, ...rest } = normalized(rule);
  const keyId = key === '' ? '' : context.keyIds.get(key);
  if (keyId === undefined) throw new Error(`prompt rule "${rule.name}": no key named "${key}" (declare it under keys, or create it first)`);
  return create(CreatePromptRuleRequestSchema, {
    ...rest,
    scope: route !== '' ? PromptRuleScope.ROUTE : PromptRuleScope.KEY,
    scopeId: route !== '' ? route : keyId,
  });
}

export const promptRuleKind: ObjectKind<PromptRuleConfig, PromptRule> = {
  kind: 'prompt_rule',
  section: 'prompt_rules',
  applyOrder: 4,
  identityOfDesired: (desired) => promptRuleIdentity(desired.route, desired.key, desired.name),
  identityOfCurrent: (current, context) => {
    const config = fromCurrent(current, context);
    return promptRuleIdentity(config.route, config.key, config.name);
  },
  list: ({ clients }) =>
    listEvery(async (pageToken) => {
      const page = await clients.promptRules.listPromptRules({ pageSize: 500, pageToken });
      return { items: page.rules, nextPageToken: page.nextPageToken };
    }),
  desiredView: (desired) => protoView(PromptRuleConfigSchema, normalized(desired)),
  currentView: (current, context) => protoView(PromptRuleConfigSchema, normalized(fromCurrent(current, context))),
  rules: {
    absentMeans: { order: undefined, text: undefined, pattern: undefined, flags: undefined, replacement: undefined, first_user_turn_only: undefined },
    maps: [],
  },
  create: async (desired, context) => {
    await context.clients.promptRules.createPromptRule(createRequest(desired, context));
  },
  update: async (desired, current, fields, context) => {
    await context.clients.promptRules.updatePromptRule(
      create(UpdatePromptRuleRequestSchema, {
        ...pickFields(CreatePromptRuleRequestSchema, createRequest(desired, context), fields),
        id: current.id,
        updateMask: { paths: fields },
      }),
    );
  },
  delete: async (current, context) => {
    await context.clients.promptRules.deletePromptRule({ id: current.id });
  },
  toFile: (current, context) => {
    const config = fromCurrent(current, context);
    if (config.enabled) config.enabled = undefined;
    if (config.operation === PromptRuleOperation.REGEX_REPLACE && config.roles.join() === [Role.SYSTEM, Role.USER].join()) config.roles = [];
    return protoView(PromptRuleConfigSchema, config);
  },
};
