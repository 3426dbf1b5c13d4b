// StoredResponsesRepository over Kysely (SQLite or MySQL): one row per stored
// Responses API answer, its documents as JSON text.
import type { Kysely } from 'kysely';
import type { StoredResponse, StoredResponsesRepository } from '../domain/stored-response.js';
import { asArray, asObject, columnToJson, isPlainObject, jsonToColumn } from './json-columns.js';
import { columnToTimestamp, StoredValueError, timestampToColumn } from './row-values.js';
import type { DatabaseSchema, SqlDialectName } from './schema.js';

export function createStoredResponsesRepository(db: Kysely<DatabaseSchema>, dialect: SqlDialectName): StoredResponsesRepository {
  return {
    async save(response) {
      await db
        .insertInto('stored_responses')
        .values({
          id: response.id,
          key_id: response.keyId,
          previous_response_id: response.previousResponseId,
          model: response.model.slice(0, 200),
          created_at: timestampToColumn(response.createdAt, 'createdAt'),
          response: jsonToColumn(response.response),
          input_items: jsonToColumn(response.inputItems),
        })
        .execute();
    },

    async get(id) {
      const row = await db.selectFrom('stored_responses').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return null;
      const field = (name: string) => `stored_responses.${name} (${id})`;
      const items = asArray(columnToJson(row.input_items, field('input_items')), field('input_items'));
      if (!items.every(isPlainObject)) throw new StoredValueError(`${field('input_items')} holds an entry that is not an object`);
      const stored: StoredResponse = {
        id: row.id,
        keyId: row.key_id,
        previousResponseId: row.previous_response_id,
        model: row.model,
        createdAt: columnToTimestamp(row.created_at, field('created_at')),
        response: asObject(columnToJson(row.response, field('response')), field('response')),
        inputItems: items,
      };
      return stored;
    },

    async delete(id, keyId) {
      const result = await db.deleteFrom('stored_responses').where('id', '=', id).where('key_id', '=', keyId).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async deleteCreatedBefore(time, limit) {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError('Delete limit must be a positive integer');
      const cutoff = timestampToColumn(time, 'time');
      // Oldest first through (created_at, id), as the request log's retention does.
      const result =
        dialect === 'mysql'
          ? await db.deleteFrom('stored_responses').where('created_at', '<', cutoff).orderBy('created_at').orderBy('id').limit(limit).executeTakeFirst()
          : await db
              .deleteFrom('stored_responses')
              .where('id', 'in', (eb) =>
                eb.selectFrom('stored_responses').select('id').where('created_at', '<', cutoff).orderBy('created_at').orderBy('id').limit(limit),
              )
              .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
