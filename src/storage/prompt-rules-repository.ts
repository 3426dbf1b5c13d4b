// PromptRulesRepository over Kysely (SQLite or MySQL). Keyset pagination by id.
import type { Kysely } from 'kysely';
import { decodeIdCursor, normalizePageSize, toPage } from './cursor.js';
import { promptRuleToRow, rowToPromptRule } from './prompt-rule-rows.js';
import type { PromptRuleRecord, PromptRulesRepository } from '../domain/prompt-rule.js';
import { StorageConflictError } from '../domain/storage-conflict-error.js';
import type { DatabaseSchema } from './schema.js';
import { isUniqueViolation } from './storage-errors.js';

export function createPromptRulesRepository(db: Kysely<DatabaseSchema>): PromptRulesRepository {
  return {
    async insert(rule) {
      try {
        await db.insertInto('prompt_rules').values(promptRuleToRow(rule)).execute();
      } catch (error) {
        throw conflictOr(error, rule);
      }
    },

    async get(id) {
      const row = await db.selectFrom('prompt_rules').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? null : rowToPromptRule(row);
    },

    async list({ limit, cursor, scope, scopeId }) {
      const pageSize = normalizePageSize(limit);
      let query = db.selectFrom('prompt_rules').selectAll().orderBy('id').limit(pageSize + 1);
      if (scope) query = query.where('scope', '=', scope);
      if (scopeId) query = query.where('scope_id', '=', scopeId);
      if (cursor) query = query.where('id', '>', decodeIdCursor(cursor).id);
      const rows = await query.execute();
      return toPage(rows, pageSize, rowToPromptRule, (rule) => [rule.id]);
    },

    async listAll() {
      const rows = await db.selectFrom('prompt_rules').selectAll().orderBy('id').execute();
      return rows.map(rowToPromptRule);
    },

    async replace(rule) {
      const { id, ...columns } = promptRuleToRow(rule);
      try {
        const result = await db.updateTable('prompt_rules').set(columns).where('id', '=', id).executeTakeFirst();
        // mysql2 sets CLIENT_FOUND_ROWS, so an unchanged row still counts as updated.
        return result.numUpdatedRows > 0n;
      } catch (error) {
        throw conflictOr(error, rule);
      }
    },

    async delete(id) {
      const result = await db.deleteFrom('prompt_rules').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

function conflictOr(error: unknown, rule: PromptRuleRecord): unknown {
  if (!isUniqueViolation(error)) return error;
  return new StorageConflictError(
    `A prompt rule with the id "${rule.id}" or the name "${rule.name}" in ${rule.scope} "${rule.scopeId}" already exists`,
  );
}
