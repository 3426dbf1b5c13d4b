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
import { FieldProblem } from './form-values.js';

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
  const order = form.order.trim() === '' ? 0 : Number(form.order);
  if (!Number.isInteger(order)) throw new FieldProblem('order', 'must be a whole number');
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

const RULE_MASK = ['name', 'enabled', 'scope', 'scope_id', 'order', 'operation', 'text', 'pattern', 'flags', 'replacement', 'first_user_turn_only'];

/** Roles (not on the form) are kept for a regex rule and cleared for the others, which refuse them. */
export function toUpdatePromptRuleRequest(id: string, form: PromptRuleForm): UpdatePromptRuleRequest {
  const paths = form.operation === PromptRuleOperation.REGEX_REPLACE ? RULE_MASK : [...RULE_MASK, 'roles'];
  return create(UpdatePromptRuleRequestSchema, { id, ...ruleFields(form), roles: [], updateMask: create(FieldMaskSchema, { paths }) });
}
