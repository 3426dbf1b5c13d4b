// createRecordTable on SQLite: the statements the providers, routes, keys and
// prompt-rules repositories share (their conformance suites run it on MySQL too).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderRecord } from '../../src/domain/provider.js';
import { StorageConflictError } from '../../src/domain/storage-conflict-error.js';
import { migrateToLatest, openDatabase, type GatewayDatabase } from '../../src/storage/index.js';
import { providerToRow, rowToProvider } from '../../src/storage/provider-rows.js';
import { createRecordTable, type RecordTable } from '../../src/storage/record-table.js';
import { collectPages, makeProvider } from './fixtures.js';

let directory = '';
let database: GatewayDatabase;
let table: RecordTable<ProviderRecord>;
const conflicts: unknown[] = [];

beforeAll(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'gw-record-table-'));
  database = await openDatabase({ dataDir: directory });
  await migrateToLatest(database);
  table = createRecordTable(database.db, {
    table: 'providers',
    key: 'id',
    keyOf: (provider) => provider.id,
    toRow: providerToRow,
    fromRow: rowToProvider,
    conflictMessage: (provider, error) => {
      conflicts.push(error);
      return `taken: ${provider.id}`;
    },
  });
  for (const [index, id] of ['p-3', 'p-1', 'p-4', 'p-2'].entries()) {
    await table.insert(makeProvider({ id, type: index % 2 === 0 ? 'openai' : 'gemini' }));
  }
});

afterAll(async () => {
  await database.close();
  await rm(directory, { recursive: true, force: true });
});

describe('createRecordTable', () => {
  it('gets by key, and null for a key it does not hold', async () => {
    expect((await table.get('p-2'))?.id).toBe('p-2');
    expect(await table.get('p-9')).toBeNull();
  });

  it('maps a unique violation to a StorageConflictError with the given message', async () => {
    const error = await table.insert(makeProvider({ id: 'p-1' })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StorageConflictError);
    expect((error as Error).message).toBe('taken: p-1');
    expect(conflicts).toHaveLength(1);
  });

  it('lists every record and keyset pages in key order', async () => {
    expect((await table.listAll()).map((provider) => provider.id)).toEqual(['p-1', 'p-2', 'p-3', 'p-4']);
    const pages = await collectPages((cursor) => table.list({ limit: 3, cursor }));
    expect(pages.items.map((provider) => provider.id)).toEqual(['p-1', 'p-2', 'p-3', 'p-4']);
    expect(pages.pageCount).toBe(2);
  });

  it('applies equality filters and ignores empty, null and undefined ones', async () => {
    const gemini = await table.list({ limit: 10 }, { type: 'gemini' });
    expect(gemini.items.map((provider) => provider.id)).toEqual(['p-1', 'p-2']);
    for (const type of ['', null, undefined]) {
      expect((await table.list({ limit: 10 }, { type })).items).toHaveLength(4);
    }
  });

  it('replaces a row whole, reports a missing one, and deletes', async () => {
    const renamed = makeProvider({ id: 'p-4', name: 'Renamed', type: 'anthropic' });
    expect(await table.replace(renamed)).toBe(true);
    expect(await table.get('p-4')).toEqual(renamed);
    expect(await table.replace(makeProvider({ id: 'p-9' }))).toBe(false);
    expect(await table.delete('p-4')).toBe(true);
    expect(await table.delete('p-4')).toBe(false);
  });
});
