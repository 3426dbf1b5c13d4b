import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/domain/gateway-error.js';
import { StorageConflictError } from '../../../src/domain/storage-conflict-error.js';
import { reportingConflict, storedRecords, type RecordRepository } from '../../../src/core/admin/stored-records.js';

interface Thing {
  id: string;
  label: string;
  color?: string;
}

/** Things in memory with a version each, as the SQL tables keep them (record-table.ts). */
function memoryRepository(...things: Thing[]): RecordRepository<Thing> & { calls: string[]; write(thing: Thing): void } {
  const byId = new Map(things.map((thing) => [thing.id, { record: thing, version: 0 }]));
  const calls: string[] = [];
  const write = (thing: Thing) => {
    const stored = byId.get(thing.id);
    if (stored) byId.set(thing.id, { record: thing, version: stored.version + 1 });
  };
  return {
    calls,
    write,
    async get(id) {
      calls.push(`get ${JSON.stringify(id)}`);
      return byId.get(id)?.record ?? null;
    },
    async getVersioned(id) {
      calls.push(`getVersioned ${JSON.stringify(id)}`);
      return byId.get(id) ?? null;
    },
    async replaceIfVersion(thing, version) {
      calls.push(`replaceIfVersion ${thing.id} ${version}`);
      const stored = byId.get(thing.id);
      if (!stored) return 'missing';
      if (stored.version !== version) return 'changed';
      write(thing);
      return 'written';
    },
    async delete(id) {
      calls.push(`delete ${JSON.stringify(id)}`);
      return byId.delete(id);
    },
  };
}

const options = (repository: RecordRepository<Thing>, trimKey: boolean) => ({
  repository,
  kind: 'thing',
  keyField: 'id',
  trimKey,
});

describe('storedRecords', () => {
  it('loads a stored record, and answers NotFound naming the kind and the key', async () => {
    const records = storedRecords(options(memoryRepository({ id: 't1', label: 'one' }), false));
    expect(await records.load('t1')).toEqual({ id: 't1', label: 'one' });
    await expect(records.load('t2')).rejects.toThrow(new GatewayError('not_found', 'thing "t2" not found'));
  });

  it('requires a key, naming the request field, without asking the repository', async () => {
    const repository = memoryRepository();
    const records = storedRecords(options(repository, false));
    const required = new GatewayError('invalid_argument', 'id: is required', { field: 'id' });
    expect(() => records.requireKey('')).toThrow(required);
    await expect(records.load('')).rejects.toThrow(required);
    await expect(records.delete('')).rejects.toThrow(required);
    expect(repository.calls).toEqual([]);
  });

  it('trims the key only when told to', async () => {
    const trimming = memoryRepository({ id: 't1', label: 'one' });
    const records = storedRecords(options(trimming, true));
    expect(records.requireKey('  t1 ')).toBe('t1');
    expect(() => records.requireKey('   ')).toThrow('id: is required');
    expect((await records.load(' t1 ')).label).toBe('one');

    const asSent = memoryRepository({ id: 't1', label: 'one' });
    const untrimmed = storedRecords(options(asSent, false));
    expect(untrimmed.requireKey(' t1 ')).toBe(' t1 ');
    await expect(untrimmed.load(' t1 ')).rejects.toThrow('thing " t1 " not found');
    expect(asSent.calls).toEqual(['get " t1 "']);
  });

  it('updates from the stored record, and answers NotFound when the record is gone', async () => {
    const records = storedRecords(options(memoryRepository({ id: 't1', label: 'one' }), true));
    expect(await records.update(' t1 ', (stored) => ({ ...stored, label: 'uno' }))).toEqual({ record: { id: 't1', label: 'uno' }, version: 1 });
    expect((await records.load('t1')).label).toBe('uno');
    await expect(records.update('t9', (stored) => stored)).rejects.toThrow('thing "t9" not found');
    await records.delete(' t1 ');
    await expect(records.delete('t1')).rejects.toThrow('thing "t1" not found');
  });

  it('re-reads and applies the change again when another write came in between, so both changes hold', async () => {
    const repository = memoryRepository({ id: 't1', label: 'one' });
    const records = storedRecords(options(repository, false));
    const seen: Thing[] = [];
    const updated = await records.update('t1', (stored) => {
      seen.push(stored);
      // Another writer changes a different field after this update has read the record.
      if (seen.length === 1) repository.write({ ...stored, color: 'blue' });
      return { ...stored, label: 'uno' };
    });
    expect(seen).toEqual([{ id: 't1', label: 'one' }, { id: 't1', label: 'one', color: 'blue' }]);
    expect(updated).toEqual({ record: { id: 't1', label: 'uno', color: 'blue' }, version: 2 });
    expect(await records.load('t1')).toEqual({ id: 't1', label: 'uno', color: 'blue' });
  });

  it('with an expected version, writes only over that version and never re-reads into another', async () => {
    const repository = memoryRepository({ id: 't1', label: 'one' });
    const records = storedRecords(options(repository, false));
    expect(await records.update('t1', (stored) => ({ ...stored, label: 'uno' }), 0)).toEqual({ record: { id: 't1', label: 'uno' }, version: 1 });
    await expect(records.update('t1', (stored) => ({ ...stored, label: 'stale' }), 0)).rejects.toMatchObject({
      kind: 'aborted',
      message: 'thing "t1" changed since it was read (expected version 0, stored version 1); read it again and reapply the change',
    });
    // Another writer lands between this update's read and its write: the re-read finds version 2, not 1.
    const raced = records.update('t1', (stored) => {
      repository.write({ ...stored, color: 'blue' });
      return { ...stored, label: 'mine' };
    }, 1);
    await expect(raced).rejects.toMatchObject({ kind: 'aborted' });
    expect(await records.loadVersioned('t1')).toEqual({ record: { id: 't1', label: 'uno', color: 'blue' }, version: 2 });
  });

  it('answers NotFound when the record is deleted between the read and the write', async () => {
    const repository = memoryRepository({ id: 't1', label: 'one' });
    const records = storedRecords(options(repository, false));
    const update = records.update('t1', async (stored) => {
      await repository.delete('t1');
      return { ...stored, label: 'uno' };
    });
    await expect(update).rejects.toThrow(new GatewayError('not_found', 'thing "t1" not found'));
  });

  it('gives up with a retryable Unavailable when every attempt finds the record changed again', async () => {
    const repository = memoryRepository({ id: 't1', label: 'one' });
    const records = storedRecords(options(repository, false));
    let attempts = 0;
    const update = records.update('t1', (stored) => {
      attempts += 1;
      repository.write({ ...stored, label: `other ${attempts}` });
      return { ...stored, label: 'mine' };
    });
    await expect(update).rejects.toMatchObject({ kind: 'unavailable', retryable: true, message: 'thing "t1" kept changing while this update was applied; try again' });
    expect(attempts).toBe(10);
    expect((await records.load('t1')).label).toBe('other 10');
  });
});

describe('reportingConflict', () => {
  const conflict = () => new GatewayError('already_exists', 'taken');

  it('passes the result through', async () => {
    expect(await reportingConflict(async () => 42, conflict)).toBe(42);
  });

  it('turns a StorageConflictError into the given error and lets any other error pass', async () => {
    await expect(
      reportingConflict(async () => {
        throw new StorageConflictError('duplicate');
      }, conflict),
    ).rejects.toThrow(new GatewayError('already_exists', 'taken'));
    const other = new Error('disk full');
    await expect(
      reportingConflict(async () => {
        throw other;
      }, conflict),
    ).rejects.toBe(other);
  });
});
