// Upstream quotas (issue 19): a provider's quota and queue settings, one JSON
// document in a new column; a model's own quota travels inside the existing
// `models` document. Migrations are frozen once released: never edit this
// file, add 0010-….
//
// Nullable TEXT without a default (MySQL before 8.0.13 allows no default on
// TEXT): NULL reads as "no quota, default queue", so rows written before this
// migration need no rewrite and adding the column is instant on both dialects.
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// Migrations must not depend on the current schema types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export function createUpstreamQuotasMigration(): Migration {
  return {
    async up(db: AnyDatabase) {
      await db.schema.alterTable('providers').addColumn('upstream_limits', 'text').execute();
    },
  };
}
