// PromptRulesRepository over Kysely (SQLite or MySQL). Keyset pagination by id.
import type { Kysely } from 'kysely';
import type { PromptRulesRepository } from '../domain/prompt-rule.js';
import { promptRuleToRow, rowToPromptRule } from './prompt-rule-rows.js';
import { createRecordTable } from './record-table.js';
import type { DatabaseSchema } from './schema.js';

export function createPromptRulesRepository(db: Kysely<DatabaseSchema>): PromptRulesRepository {
  const table = createRecordTable(db, {
    table: 'prompt_rules',
    key: 'id',
    keyOf: (rule) => rule.id,
    toRow: promptRuleToRow,
    fromRow: rowToPromptRule,
    conflictMessage: (rule) =>
      `A prompt rule with the id "${rule.id}" or the name "${rule.name}" in ${rule.scope} "${rule.scopeId}" already exists`,
  });
  return {
    ...table,
    list: ({ limit, cursor, scope, scopeId }) => table.list({ limit, cursor }, { scope, scope_id: scopeId }),
    listVersioned: ({ limit, cursor, scope, scopeId }) => table.listVersioned({ limit, cursor }, { scope, scope_id: scopeId }),
  };
}
