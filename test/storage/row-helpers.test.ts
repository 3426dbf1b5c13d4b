// The row ⇄ record helpers the *-rows.ts mappers share: JSON documents in TEXT
// columns, scalar columns, record timestamps and known names.
import { describe, expect, it } from 'vitest';
import {
  asArray,
  asObject,
  asStringArray,
  asStringRecord,
  columnToJson,
  jsonToColumn,
  mapObjects,
  readJsonColumn,
  readNumber,
  readString,
} from '../../src/storage/json-columns.js';
import { columnsToRecordTimes, knownName, recordTimesToColumns, StoredValueError } from '../../src/storage/row-values.js';

const field = (column: string) => `things.${column} (id t-1)`;

describe('JSON columns', () => {
  it('round-trips a document, and takes one a driver already parsed as it is', () => {
    const document = { a: [1, 'two', null], b: { c: true } };
    expect(columnToJson(jsonToColumn(document), 'f')).toEqual(document);
    expect(columnToJson(document, 'f')).toBe(document);
    expect(columnToJson(null, 'f')).toBeNull();
    expect(columnToJson(undefined, 'f')).toBeNull();
  });

  it('names the column when the text is not JSON', () => {
    expect(() => columnToJson('{nope', field('doc'))).toThrow(new StoredValueError('things.doc (id t-1) holds invalid JSON'));
  });

  it('readJsonColumn parses, then reads under the same field name', () => {
    const seen: string[] = [];
    const value = readJsonColumn('{"x":1}', field('doc'), (json, name) => {
      seen.push(name);
      return asObject(json, name);
    });
    expect(value).toEqual({ x: 1 });
    expect(seen).toEqual(['things.doc (id t-1)']);
    expect(() => readJsonColumn('[1]', field('doc'), asObject)).toThrow('things.doc (id t-1) is not a JSON object');
  });

  it('asObject and asArray accept only their shape', () => {
    expect(asObject({ a: 1 }, 'f')).toEqual({ a: 1 });
    for (const value of [null, [], 'text', 3]) expect(() => asObject(value, 'f')).toThrow('f is not a JSON object');
    expect(asArray([1], 'f')).toEqual([1]);
    for (const value of [null, {}, 'text']) expect(() => asArray(value, 'f')).toThrow('f is not a JSON array');
  });

  it('mapObjects reads each object and names the entry that is not one', () => {
    expect(mapObjects([{ n: 1 }, { n: 2 }], 'f', 'a thing', (entry) => readNumber(entry, 'n'))).toEqual([1, 2]);
    expect(() => mapObjects([{ n: 1 }, 7], 'f', 'a thing', () => 0)).toThrow(
      new StoredValueError('f holds a thing that is not an object'),
    );
  });

  it('string records and arrays coerce their entries to strings', () => {
    expect(asStringRecord({ a: 1, b: 'x' }, 'f')).toEqual({ a: '1', b: 'x' });
    expect(asStringArray([1, 'x', true], 'f')).toEqual(['1', 'x', 'true']);
    expect(() => asStringRecord([], 'f')).toThrow('f is not a JSON object');
    expect(() => asStringArray({}, 'f')).toThrow('f is not a JSON array');
  });

  it('readNumber and readString default a missing property', () => {
    expect(readNumber({ n: '42' }, 'n')).toBe(42);
    expect(readNumber({}, 'n')).toBe(0);
    expect(readString({ s: 5 }, 's')).toBe('5');
    expect(readString({}, 's')).toBe('');
  });
});

describe('record timestamps', () => {
  it('map createdAt/updatedAt to their columns and back', () => {
    const columns = recordTimesToColumns({ createdAt: 1, updatedAt: 2 });
    expect(columns).toEqual({ created_at: 1, updated_at: 2 });
    expect(columnsToRecordTimes({ created_at: '1', updated_at: 2n }, field)).toEqual({ createdAt: 1, updatedAt: 2 });
  });

  it('refuse a non-integer on write and a non-number on read, naming the field', () => {
    expect(() => recordTimesToColumns({ createdAt: 1.5, updatedAt: 2 })).toThrow('createdAt must be an integer of epoch milliseconds');
    expect(() => columnsToRecordTimes({ created_at: 1, updated_at: 'soon' }, field)).toThrow(
      'things.updated_at (id t-1) holds a non-numeric timestamp',
    );
  });
});

describe('knownName', () => {
  const colours: ReadonlySet<'red' | 'green'> = new Set(['red', 'green'] as const);

  it('returns a name of the set and refuses anything else', () => {
    expect(knownName(colours, 'red', field('colour'), 'colour')).toBe('red');
    for (const value of ['blue', '', null, 3]) {
      expect(() => knownName(colours, value, field('colour'), 'colour')).toThrow(
        new StoredValueError('things.colour (id t-1) is not a known colour'),
      );
    }
  });
});
