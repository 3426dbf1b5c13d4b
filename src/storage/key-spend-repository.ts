// KeySpendRepository: per-key, per-period counters that only ever grow, updated
// with one atomic upsert each (no read-modify-write in the process), so concurrent
// requests — in this process or in other replicas on the same database — add up exactly.
// raiseTo (a budget period seeded from the request log) takes the larger of the row
// and its amounts, column by column, in the same kind of upsert: an add it races is kept.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { KeySpendRecord, KeySpendRepository } from '../domain/key-spend.js';
import { toNumber } from './request-log-rows.js';
import type { DatabaseSchema, SqlDialectName } from './schema.js';

/** InnoDB may pick a concurrent upsert of a brand-new row as a deadlock victim; the whole transaction is retried. */
const MYSQL_RETRYABLE_ERRNOS = new Set([1213 /* ER_LOCK_DEADLOCK */, 1205 /* ER_LOCK_WAIT_TIMEOUT */]);
const MAX_ATTEMPTS = 8;

export function createKeySpendRepository(
  db: Kysely<DatabaseSchema>,
  dialect: SqlDialectName,
  now: () => number = Date.now,
): KeySpendRepository {
  const read = async (executor: Kysely<DatabaseSchema>, keyId: string, period: string) => {
    const row = await executor
      .selectFrom('key_spend')
      .select(['key_id', 'period', 'tokens', 'cost_usd'])
      .where('key_id', '=', keyId)
      .where('period', '=', period)
      .executeTakeFirst();
    return row === undefined
      ? null
      : { keyId: row.key_id, period: row.period, tokens: toNumber(row.tokens), costUsd: toNumber(row.cost_usd) };
  };

  /** MySQL/MariaDB: the upsert locks the row until commit, so the read-back in the same transaction sees exactly its total. */
  const upsertAndRead = async (keyId: string, period: string, upsert: (trx: Kysely<DatabaseSchema>) => Promise<unknown>) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await db.transaction().execute(async (trx): Promise<KeySpendRecord> => {
          await upsert(trx);
          const total = await read(trx, keyId, period);
          if (total === null) throw new Error('key_spend row vanished inside its own transaction');
          return total;
        });
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
  };

  /**
   * SQLite: one statement, the upsert and the read-back one atomic step (SQLite ≥ 3.35). No transaction may span
   * an await here — a second connection's busy wait would block the event loop it needs.
   */
  const sqliteUpsert = async (values: NewKeySpendRow, combine: (column: SpendColumn) => RawBuilder<number>) => {
    const row = await db
      .insertInto('key_spend')
      .values(values)
      .onConflict((conflict) =>
        conflict.columns(['key_id', 'period']).doUpdateSet({
          tokens: combine('tokens'),
          cost_usd: combine('cost_usd'),
          updated_at: sql`${sql.ref('excluded.updated_at')}`,
        }),
      )
      .returning(['tokens', 'cost_usd'])
      .executeTakeFirstOrThrow();
    return { keyId: values.key_id, period: values.period, tokens: toNumber(row.tokens), costUsd: toNumber(row.cost_usd) };
  };

  return {
    get: (keyId, period) => read(db, keyId, period),

    async add(keyId, period, tokens, costUsd) {
      const values = rowValues(keyId, period, tokens, costUsd, now());
      if (dialect === 'sqlite') return sqliteUpsert(values, sqliteSum);
      // Parameters rather than VALUES(col) (deprecated on MySQL 8) or a row alias (unknown to MariaDB).
      return upsertAndRead(keyId, period, (trx) =>
        trx
          .insertInto('key_spend')
          .values(values)
          .onDuplicateKeyUpdate({
            tokens: sql`${sql.ref('tokens')} + ${tokens}`,
            cost_usd: sql`${sql.ref('cost_usd')} + ${costUsd}`,
            updated_at: values.updated_at,
          })
          .execute(),
      );
    },

    async raiseTo(keyId, period, tokens, costUsd) {
      const values = rowValues(keyId, period, tokens, costUsd, now());
      if (dialect === 'sqlite') return sqliteUpsert(values, sqliteLarger);
      // GREATEST() of the two, like SQLite's max(): a counter is never lowered.
      return upsertAndRead(keyId, period, (trx) =>
        trx
          .insertInto('key_spend')
          .values(values)
          .onDuplicateKeyUpdate({
            tokens: sql`greatest(${sql.ref('tokens')}, ${tokens})`,
            cost_usd: sql`greatest(${sql.ref('cost_usd')}, ${costUsd})`,
            updated_at: values.updated_at,
          })
          .execute(),
      );
    },
  };
}

type SpendColumn = 'tokens' | 'cost_usd';
/** The stored counter plus the one the upsert brings. */
const sqliteSum = (column: SpendColumn) => sql<number>`${sql.ref(`key_spend.${column}`)} + ${sql.ref(`excluded.${column}`)}`;
/** The larger of the stored counter and the one the upsert brings (SQLite's max() of two values). */
const sqliteLarger = (column: SpendColumn) => sql<number>`max(${sql.ref(`key_spend.${column}`)}, ${sql.ref(`excluded.${column}`)})`;

interface NewKeySpendRow {
  key_id: string;
  period: string;
  tokens: number;
  cost_usd: number;
  updated_at: number;
}

function rowValues(keyId: string, period: string, tokens: number, costUsd: number, updatedAt: number): NewKeySpendRow {
  if (!Number.isSafeInteger(tokens)) throw new RangeError('tokens must be a whole number');
  if (!Number.isFinite(costUsd)) throw new RangeError('costUsd must be a finite number');
  return { key_id: keyId, period, tokens, cost_usd: costUsd, updated_at: updatedAt };
}

function isRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { errno } = error as { errno?: unknown };
  return typeof errno === 'number' && MYSQL_RETRYABLE_ERRNOS.has(errno);
}
