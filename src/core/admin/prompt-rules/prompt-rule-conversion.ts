// Prompt-rule records ⇄ the proto's messages: enums ⇄ names.
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { Role } from '../../../../gen/llmgateway/v1/chat_pb.js';
import {
  PromptRuleOperation,
  PromptRuleSchema,
  PromptRuleScope,
  type PromptRule,
} from '../../../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import type { PromptRuleOperationName, PromptRuleRecord, PromptRuleRoleName, PromptRuleScopeName } from '../../../domain/prompt-rule.js';
import { enumNames } from '../enum-names.js';

const SCOPES = enumNames<PromptRuleScope, PromptRuleScopeName>(PromptRuleScope.UNSPECIFIED, {
  [PromptRuleScope.ROUTE]: 'route',
  [PromptRuleScope.KEY]: 'key',
});

const OPERATIONS = enumNames<PromptRuleOperation, PromptRuleOperationName>(PromptRuleOperation.UNSPECIFIED, {
  [PromptRuleOperation.SET_SYSTEM]: 'set-system',
  [PromptRuleOperation.PREPEND_SYSTEM]: 'prepend-system',
  [PromptRuleOperation.APPEND_SYSTEM]: 'append-system',
  [PromptRuleOperation.PREPEND_USER]: 'prepend-user',
  [PromptRuleOperation.APPEND_USER]: 'append-user',
  [PromptRuleOperation.REGEX_REPLACE]: 'regex-replace',
});

const ROLES = enumNames<Role, PromptRuleRoleName>(Role.UNSPECIFIED, {
  [Role.SYSTEM]: 'system',
  [Role.DEVELOPER]: 'developer',
  [Role.USER]: 'user',
  [Role.ASSISTANT]: 'assistant',
  [Role.TOOL]: 'tool',
});

/** undefined for UNSPECIFIED and for numbers the enum does not know. */
export const promptRuleScopeName = SCOPES.nameOf;
export const promptRuleOperationName = OPERATIONS.nameOf;
export const promptRuleRoleName = ROLES.nameOf;

export function promptRuleRecordToProto(record: PromptRuleRecord): PromptRule {
  return create(PromptRuleSchema, {
    id: record.id,
    name: record.name,
    enabled: record.enabled,
    scope: SCOPES.valueOf(record.scope),
    scopeId: record.scopeId,
    order: record.order,
    operation: OPERATIONS.valueOf(record.operation),
    text: record.text,
    pattern: record.pattern,
    flags: record.flags,
    replacement: record.replacement,
    roles: record.roles.map((role) => ROLES.valueOf(role)),
    firstUserTurnOnly: record.firstUserTurnOnly,
    createdAt: timestampFromMs(record.createdAt),
    updatedAt: timestampFromMs(record.updatedAt),
  });
}
