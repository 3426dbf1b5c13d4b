// PromptRuleRecord ⇄ prompt_rules row. Roles are a JSON array in a TEXT column.
import type { Insertable, Selectable } from 'kysely';
import type { PromptRuleOperationName, PromptRuleRecord, PromptRuleRoleName, PromptRuleScopeName } from '../domain/prompt-rule.js';
import { columnToJson, jsonToColumn } from './json-columns.js';
import { booleanToColumn, columnsToRecordTimes, columnToBoolean, knownName, recordTimesToColumns, StoredValueError } from './row-values.js';
import type { PromptRulesTable } from './schema.js';

export type PromptRuleRow = Selectable<PromptRulesTable>;
export type NewPromptRuleRow = Insertable<PromptRulesTable>;

const SCOPES: ReadonlySet<PromptRuleScopeName> = new Set<PromptRuleScopeName>(['route', 'key']);
const OPERATIONS: ReadonlySet<PromptRuleOperationName> = new Set<PromptRuleOperationName>([
  'set-system',
  'prepend-system',
  'append-system',
  'prepend-user',
  'append-user',
  'regex-replace',
]);
const ROLES: ReadonlySet<string> = new Set<PromptRuleRoleName>(['system', 'developer', 'user', 'assistant', 'tool']);

export function promptRuleToRow(rule: PromptRuleRecord): NewPromptRuleRow {
  if (!Number.isSafeInteger(rule.order)) throw new TypeError('order must be an integer');
  return {
    id: rule.id,
    name: rule.name,
    enabled: booleanToColumn(rule.enabled),
    scope: rule.scope,
    scope_id: rule.scopeId,
    rule_order: rule.order,
    operation: rule.operation,
    text: rule.text,
    pattern: rule.pattern,
    flags: rule.flags,
    replacement: rule.replacement,
    roles: jsonToColumn([...rule.roles]),
    first_user_turn_only: booleanToColumn(rule.firstUserTurnOnly),
    ...recordTimesToColumns(rule),
  };
}

export function rowToPromptRule(row: PromptRuleRow): PromptRuleRecord {
  const field = (column: string) => `prompt_rules.${column} (id ${row.id})`;
  const scope = knownName(SCOPES, row.scope, field('scope'), 'scope');
  const operation = knownName(OPERATIONS, row.operation, field('operation'), 'operation');
  const roles = columnToJson(row.roles, field('roles'));
  if (!Array.isArray(roles) || roles.some((role) => typeof role !== 'string' || !ROLES.has(role))) {
    throw new StoredValueError(`${field('roles')} is not an array of role names`);
  }
  const order = Number(row.rule_order);
  if (!Number.isSafeInteger(order)) throw new StoredValueError(`${field('rule_order')} is not an integer`);
  return {
    id: row.id,
    name: row.name,
    enabled: columnToBoolean(row.enabled),
    scope,
    scopeId: row.scope_id,
    order,
    operation,
    text: row.text,
    pattern: row.pattern,
    flags: row.flags,
    replacement: row.replacement,
    roles: roles as PromptRuleRoleName[],
    firstUserTurnOnly: columnToBoolean(row.first_user_turn_only),
    ...columnsToRecordTimes(row, field),
  };
}
