// Validation of a whole prompt rule, shared by create and update (which
// validates the merged result). Each failure names the field.
import type { Role } from '../../../../gen/llmgateway/v1/chat_pb.js';
import type { PromptRuleOperation, PromptRuleScope } from '../../../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import type { PromptRuleRecord, PromptRuleRoleName } from '../../../domain/prompt-rule.js';
import { invalidArgument } from '../../../domain/gateway-error.js';
import { validateRouteName } from '../routes/route-validation.js';
import { requireText } from '../validate.js';
import { promptRuleOperationName, promptRuleRoleName, promptRuleScopeName } from './prompt-rule-conversion.js';
import { validateTemplate } from '../../prompt-rules/prompt-template.js';
import { compileLinearRegex, LINEAR_REGEX_LIMITS, LinearRegexError } from '../../regex/linear-regex.js';

export const MAX_RULE_NAME = 100;
export const MAX_RULE_TEXT = 10_000;
export const MAX_PATTERN = 500;
export const MAX_ORDER = 1_000_000;
export const ALLOWED_FLAGS = 'gimsu';
/** REGEX_REPLACE rewrites system (and developer) and user messages unless told otherwise. */
export const DEFAULT_REGEX_ROLES: readonly PromptRuleRoleName[] = ['system', 'user'];

const KEY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
// Tabs and line breaks are fine in prompt text; other control characters are not.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** The rule as the client describes it (proto enums), before validation. */
export interface PromptRuleInput {
  name: string;
  enabled: boolean;
  scope: PromptRuleScope;
  scopeId: string;
  order: number;
  operation: PromptRuleOperation;
  text: string;
  pattern: string;
  flags: string;
  replacement: string;
  roles: Role[];
  firstUserTurnOnly: boolean;
}

export type PromptRuleFields = Omit<PromptRuleRecord, 'id' | 'createdAt' | 'updatedAt'>;

export function validatePromptRule(input: PromptRuleInput): PromptRuleFields {
  const name = requireText('name', input.name, { max: MAX_RULE_NAME });
  const scope = promptRuleScopeName(input.scope);
  if (scope === undefined) {
    throw invalidArgument('scope', 'is required: PROMPT_RULE_SCOPE_ROUTE or PROMPT_RULE_SCOPE_KEY');
  }
  const scopeId = validateScopeId(scope, input.scopeId);
  if (!Number.isInteger(input.order) || Math.abs(input.order) > MAX_ORDER) {
    throw invalidArgument('order', `must be a whole number between ${-MAX_ORDER} and ${MAX_ORDER}`);
  }
  const operation = promptRuleOperationName(input.operation);
  if (operation === undefined) throw invalidArgument('operation', 'is required (e.g. PROMPT_RULE_OPERATION_SET_SYSTEM)');
  const common = { name, enabled: input.enabled, scope, scopeId, order: input.order, operation, firstUserTurnOnly: input.firstUserTurnOnly };

  if (operation !== 'regex-replace') {
    for (const field of ['pattern', 'flags', 'replacement'] as const) {
      if (input[field] !== '') throw invalidArgument(field, 'is only used by PROMPT_RULE_OPERATION_REGEX_REPLACE');
    }
    if (input.roles.length > 0) throw invalidArgument('roles', 'is only used by PROMPT_RULE_OPERATION_REGEX_REPLACE');
    return { ...common, text: validateRuleText(input.text), pattern: '', flags: '', replacement: '', roles: [] };
  }
  if (input.text !== '') throw invalidArgument('text', 'is not used by PROMPT_RULE_OPERATION_REGEX_REPLACE (use replacement)');
  return {
    ...common,
    text: '',
    ...validateRegex(input.pattern, input.flags),
    replacement: validateReplacement(input.replacement),
    roles: validateRoles(input.roles),
  };
}

function validateScopeId(scope: 'route' | 'key', scopeId: string): string {
  if (scopeId.trim() === '') {
    throw invalidArgument('scope_id', scope === 'route' ? 'is required: the route name' : 'is required: the virtual key id');
  }
  if (scope === 'route') return validateRouteName('scope_id', scopeId);
  const trimmed = scopeId.trim();
  if (!KEY_ID_PATTERN.test(trimmed)) throw invalidArgument('scope_id', 'is not a valid virtual key id');
  return trimmed;
}

function validateRuleText(text: string): string {
  if (text.trim() === '') throw invalidArgument('text', 'is required for this operation');
  if (text.length > MAX_RULE_TEXT) throw invalidArgument('text', `must be at most ${MAX_RULE_TEXT} characters`);
  if (CONTROL_CHARACTERS.test(text)) throw invalidArgument('text', 'must not contain control characters other than tab and line breaks');
  validateTemplate('text', text);
  return text;
}

/** The pattern must compile with exactly these flags on the linear-time engine (RE2 syntax). */
export function validateRegex(pattern: string, flags: string): { pattern: string; flags: string } {
  if (pattern === '') throw invalidArgument('pattern', 'is required for PROMPT_RULE_OPERATION_REGEX_REPLACE');
  if (pattern.length > MAX_PATTERN) throw invalidArgument('pattern', `must be at most ${MAX_PATTERN} characters`);
  for (const [index, flag] of [...flags].entries()) {
    if (!ALLOWED_FLAGS.includes(flag)) throw invalidArgument('flags', `"${flag}" is not allowed; use any of ${ALLOWED_FLAGS}`);
    if (flags.indexOf(flag) !== index) throw invalidArgument('flags', `"${flag}" is repeated`);
  }
  try {
    compileLinearRegex(pattern, flags);
  } catch (error) {
    if (!(error instanceof LinearRegexError)) throw error;
    throw invalidArgument('pattern', `does not compile on ${LINEAR_REGEX_LIMITS}: ${error.message}`);
  }
  return { pattern, flags };
}

function validateReplacement(replacement: string): string {
  if (replacement.length > MAX_RULE_TEXT) throw invalidArgument('replacement', `must be at most ${MAX_RULE_TEXT} characters`);
  if (CONTROL_CHARACTERS.test(replacement)) {
    throw invalidArgument('replacement', 'must not contain control characters other than tab and line breaks');
  }
  return replacement;
}

function validateRoles(roles: Role[]): PromptRuleRoleName[] {
  if (roles.length === 0) return [...DEFAULT_REGEX_ROLES];
  const names: PromptRuleRoleName[] = [];
  for (const [index, role] of roles.entries()) {
    const name = promptRuleRoleName(role);
    if (name === undefined) throw invalidArgument(`roles[${index}]`, 'is not a known role');
    if (!names.includes(name)) names.push(name);
  }
  return names;
}
