import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/domain/gateway-error.js';
import { StorageConflictError } from '../../../src/domain/storage-conflict-error.js';
import { reportingConflict, storedRecords, type RecordRepository } from '../../../src/core/admin/stored-records.js';

interface Thing {
  id: string;
  label: string;
}

function memoryRepository(...things: Thing[]): RecordRepository<Thing> & { calls: string[] } {
  const byId = new Map(things.map((thing) => [thing.id, thing]));
  const calls: string[] = [];
  return {
    calls,
    async get(id) {
      calls.push(`get ${JSON.stringify(id)}`);
      return byId.get(id) ?? null;
    },
    async replace(thing) {
      calls.push(`replace ${thing.id}`);
      if (!byId.has(thing.id)) return false;
      byId.set(thing.id, thing);
      return true;
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
  keyOf: (thing: Thing) => thing.id,
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

  it('replaces and deletes, answering NotFound when the record is gone', async () => {
    const records = storedRecords(options(memoryRepository({ id: 't1', label: 'one' }), true));
    await records.replace({ id: 't1', label: 'uno' });
    expect((await records.load('t1')).label).toBe('uno');
    await expect(records.replace({ id: 't9', label: 'x' })).rejects.toThrow('thing "t9" not found');
    await records.delete(' t1 ');
    await expect(records.delete('t1')).rejects.toThrow('thing "t1" not found');
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
