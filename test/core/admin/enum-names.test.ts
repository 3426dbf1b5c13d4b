import { describe, expect, it } from 'vitest';
import { enumNames } from '../../../src/core/admin/enum-names.js';

enum Colour {
  UNSPECIFIED = 0,
  RED = 1,
  GREEN = 2,
}

describe('enumNames', () => {
  const colours = enumNames<Colour, 'red' | 'green'>(Colour.UNSPECIFIED, { [Colour.RED]: 'red', [Colour.GREEN]: 'green' });

  it('maps both ways from one table', () => {
    expect(colours.nameOf(Colour.RED)).toBe('red');
    expect(colours.nameOf(Colour.GREEN)).toBe('green');
    expect(colours.valueOf('red')).toBe(Colour.RED);
    expect(colours.valueOf('green')).toBe(Colour.GREEN);
  });

  it('has no name for the unspecified value or a number the table does not know', () => {
    expect(colours.nameOf(Colour.UNSPECIFIED)).toBeUndefined();
    expect(colours.nameOf(7 as Colour)).toBeUndefined();
  });

  it('gives the unspecified value for a name the table does not hold', () => {
    expect(colours.valueOf('blue' as 'red')).toBe(Colour.UNSPECIFIED);
    expect(colours.valueOf('toString' as 'red')).toBe(Colour.UNSPECIFIED);
  });
});
