// SettingsRepository: small named values in gateway_settings.
import type { Kysely } from 'kysely';
import type { SettingsRepository } from '../domain/settings.js';
import type { DatabaseSchema } from './schema.js';
import { isUniqueViolation } from './storage-errors.js';

export function createSettingsRepository(db: Kysely<DatabaseSchema>): SettingsRepository {
  async function update(name: string, value: string): Promise<boolean> {
    const result = await db.updateTable('gateway_settings').set({ value }).where('name', '=', name).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async function insertIfAbsent(name: string, value: string): Promise<boolean> {
    // The primary key decides a race: exactly one concurrent insert succeeds.
    try {
      await db.insertInto('gateway_settings').values({ name, value }).execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  return {
    async get(name) {
      const row = await db.selectFrom('gateway_settings').select('value').where('name', '=', name).executeTakeFirst();
      return row?.value ?? null;
    },

    insertIfAbsent,

    async set(name, value) {
      // Portable upsert (no ON CONFLICT / ON DUPLICATE KEY split): update, else insert, else a racer inserted.
      if (await update(name, value)) return;
      if (await insertIfAbsent(name, value)) return;
      await update(name, value);
    },
  };
}
