// The prompt-rule editor's form ↔ the PromptRulesService messages.
import { create } from '@bufbuild/protobuf';
import { FieldMaskSchema } from '@bufbuild/protobuf/wkt';
import {
  CreatePromptRuleRequestSchema,
  PromptRuleOperation,
  PromptRuleScope,
  UpdatePromptRuleRequestSchema,
  type CreatePromptRuleRequest,
  type PromptRule,
  type UpdatePromptRuleRequest,
} from '../../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import { changedPaths, signedWholeNumber } from './form-values.js';

export interface PromptRuleForm {
  name: string;
  enabled: boolean;
  scope: PromptRuleScope;
  scopeId: string;
  order: string;
  operation: PromptRuleOperation;
  text: string;
  pattern: string;
  flags: string;
  replacement: string;
  firstUserTurnOnly: boolean;
}

export function emptyPromptRuleForm(): PromptRuleForm {
  return { name: '', enabled: true, scope: PromptRuleScope.ROUTE, scopeId: '', order: '0', operation: PromptRuleOperation.PREPEND_SYSTEM, text: '', pattern: '', flags: 'g', replacement: '', firstUserTurnOnly: false };
}

export function promptRuleToForm(rule: PromptRule): PromptRuleForm {
  return {
    name: rule.name,
    enabled: rule.enabled,
    scope: rule.scope,
    scopeId: rule.scopeId,
    order: String(rule.order),
    operation: rule.operation,
    text: rule.text,
    pattern: rule.pattern,
    flags: rule.flags,
    replacement: rule.replacement,
    firstUserTurnOnly: rule.firstUserTurnOnly,
  };
}

function ruleFields(form: PromptRuleForm) {
  const order = signedWholeNumber('order', form.order);
  const regex = form.operation === PromptRuleOperation.REGEX_REPLACE;
  return {
    name: form.name.trim(),
    enabled: form.enabled,
    scope: form.scope,
    scopeId: form.scopeId.trim(),
    order,
    operation: form.operation,
    // Only the fields of the chosen operation travel; the others are cleared.
    text: regex ? '' : form.text,
    pattern: regex ? form.pattern : '',
    flags: regex ? form.flags.trim() : '',
    replacement: regex ? form.replacement : '',
    firstUserTurnOnly: form.firstUserTurnOnly,
  };
}

export function toCreatePromptRuleRequest(form: PromptRuleForm): CreatePromptRuleRequest {
  return create(CreatePromptRuleRequestSchema, ruleFields(form));
}

/** What each updatable field is made of on the form. */
const RULE_VALUES: Record<string, (form: PromptRuleForm) => unknown> = {
  name: (form) => form.name.trim(),
  enabled: (form) => form.enabled,
  scope: (form) => form.scope,
  scope_id: (form) => form.scopeId.trim(),
  order: (form) => form.order.trim(),
  operation: (form) => form.operation,
  text: (form) => form.text,
  pattern: (form) => form.pattern,
  flags: (form) => form.flags.trim(),
  replacement: (form) => form.replacement,
  first_user_turn_only: (form) => form.firstUserTurnOnly,
};
const OPERATION_FIELDS = ['text', 'pattern', 'flags', 'replacement'];

/**
 * The update of `rule` (as loaded into the form): only the fields the user changed, at the version loaded (an
 * edit made meanwhile elsewhere gets the save refused, ABORTED, rather than overwritten). A new operation sends all the operation's fields (the others cleared); roles (not on the
 * form) are then cleared unless it is a regex rule, the only kind that takes them.
 */
export function toUpdatePromptRuleRequest(rule: PromptRule, form: PromptRuleForm): UpdatePromptRuleRequest {
  const paths = changedPaths(promptRuleToForm(rule), form, RULE_VALUES);
  if (paths.includes('operation')) {
    paths.push(...OPERATION_FIELDS.filter((path) => !paths.includes(path)));
    if (form.operation !== PromptRuleOperation.REGEX_REPLACE) paths.push('roles');
  }
  return create(UpdatePromptRuleRequestSchema, { id: rule.id, ...ruleFields(form), roles: [], expectedVersion: rule.version, updateMask: create(FieldMaskSchema, { paths }) });
}
