// Prompt-rule records ⇄ the proto's messages: enums ⇄ names.
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { Role } from '../../../gen/llmgateway/v1/chat_pb.js';
import {
  PromptRuleOperation,
  PromptRuleSchema,
  PromptRuleScope,
  type PromptRule,
} from '../../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import type { PromptRuleOperationName, PromptRuleRecord, PromptRuleRoleName, PromptRuleScopeName } from '../../domain/prompt-rule.js';

const SCOPE_NAMES: Record<PromptRuleScope, PromptRuleScopeName | undefined> = {
  [PromptRuleScope.UNSPECIFIED]: undefined,
  [PromptRuleScope.ROUTE]: 'route',
  [PromptRuleScope.KEY]: 'key',
};

const OPERATION_NAMES: Record<PromptRuleOperation, PromptRuleOperationName | undefined> = {
  [PromptRuleOperation.UNSPECIFIED]: undefined,
  [PromptRuleOperation.SET_SYSTEM]: 'set-system',
  [PromptRuleOperation.PREPEND_SYSTEM]: 'prepend-system',
  [PromptRuleOperation.APPEND_SYSTEM]: 'append-system',
  [PromptRuleOperation.PREPEND_USER]: 'prepend-user',
  [PromptRuleOperation.APPEND_USER]: 'append-user',
  [PromptRuleOperation.REGEX_REPLACE]: 'regex-replace',
};

const ROLE_NAMES: Record<Role, PromptRuleRoleName | undefined> = {
  [Role.UNSPECIFIED]: undefined,
  [Role.SYSTEM]: 'system',
  [Role.DEVELOPER]: 'developer',
  [Role.USER]: 'user',
  [Role.ASSISTANT]: 'assistant',
  [Role.TOOL]: 'tool',
};

/** undefined for UNSPECIFIED and for numbers the enum does not know. */
export function promptRuleScopeName(scope: PromptRuleScope): PromptRuleScopeName | undefined {
  return SCOPE_NAMES[scope];
}

export function promptRuleOperationName(operation: PromptRuleOperation): PromptRuleOperationName | undefined {
  return OPERATION_NAMES[operation];
}

export function promptRuleRoleName(role: Role): PromptRuleRoleName | undefined {
  return ROLE_NAMES[role];
}

function valueOf<E extends number, N extends string>(names: Record<E, N | undefined>, name: N, fallback: E): E {
  const entry = Object.entries(names).find(([, entryName]) => entryName === name);
  return entry ? (Number(entry[0]) as E) : fallback;
}

export function promptRuleRecordToProto(record: PromptRuleRecord): PromptRule {
  return create(PromptRuleSchema, {
    id: record.id,
    name: record.name,
    enabled: record.enabled,
    scope: valueOf(SCOPE_NAMES, record.scope, PromptRuleScope.UNSPECIFIED),
    scopeId: record.scopeId,
    order: record.order,
    operation: valueOf(OPERATION_NAMES, record.operation, PromptRuleOperation.UNSPECIFIED),
    text: record.text,
    pattern: record.pattern,
    flags: record.flags,
    replacement: record.replacement,
    roles: record.roles.map((role) => valueOf(ROLE_NAMES, role, Role.UNSPECIFIED)),
    firstUserTurnOnly: record.firstUserTurnOnly,
    createdAt: timestampFromMs(record.createdAt),
    updatedAt: timestampFromMs(record.updatedAt),
  });
}
