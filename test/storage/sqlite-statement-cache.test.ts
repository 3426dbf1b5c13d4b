// Kysely's SQLite driver prepares each query it runs; the gateway hands it a database whose prepare
// keeps the statement per SQL text (src/storage/sqlite-statement-cache.ts).
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { withStatementCache } from '../../src/storage/sqlite-statement-cache.js';

describe('the SQLite statement cache', () => {
  it('prepares a query text once, answers each run with its own parameters, and survives a schema change', async () => {
    const database = new Database(':memory:');
    let prepared = 0;
    const original = database.prepare.bind(database);
    database.prepare = ((text: string) => (prepared += 1, original(text))) as typeof database.prepare;
    const db = new Kysely<{ t: { id: number; name: string } }>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
    await sql`create table t (id integer primary key, name text)`.execute(db);
    for (let id = 1; id <= 50; id += 1) await db.insertInto('t').values({ id, name: `n${id}` }).execute();
    const before = prepared;
    for (let id = 1; id <= 50; id += 1) expect((await db.selectFrom('t').select('name').where('id', '=', id).executeTakeFirst())?.name).toBe(`n${id}`);
    expect(prepared - before).toBe(1);
    await sql`alter table t add column extra text default 'x'`.execute(db);
    expect(await db.selectFrom('t').selectAll().where('id', '=', 7).executeTakeFirst()).toEqual({ id: 7, name: 'n7', extra: 'x' });
    await db.destroy();
  });

  it('gives a statement still iterating to nobody else: a query run meanwhile gets a fresh one', () => {
    const database = new Database(':memory:');
    database.exec('create table t (id integer primary key); insert into t values (1), (2), (3)');
    const cached = withStatementCache(database);
    const text = 'select id from t order by id';
    const iterating = cached.prepare(text);
    const rows = (iterating as unknown as Database.Statement).iterate();
    rows.next();
    const other = cached.prepare(text);
    expect(other).not.toBe(iterating);
    expect((other as unknown as Database.Statement).all()).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    rows.return?.();
    expect(cached.prepare(text)).toBe(iterating);
    cached.close();
  });
});
