// The linear-time engine admin patterns run on: replacements read as String.prototype.replace reads
// them, the flags mean what they mean in JavaScript (where RE2 supports them), a pattern with nested
// quantifiers answers on a long input, and what RE2 lacks is refused, named.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  compileLinearRegex,
  LinearRegexError,
  linearReplace,
  loadLinearRegexEngine,
} from '../../../src/core/regex/linear-regex.js';

beforeAll(loadLinearRegexEngine);

/** What the engine makes of it, and what JavaScript's String.prototype.replace makes of it. */
function bothWays(pattern: string, flags: string, text: string, replacement: string): [string, string] {
  const linear = linearReplace(compileLinearRegex(pattern, flags), text, replacement, flags.includes('g'));
  return [linear, text.replace(new RegExp(pattern, flags), replacement)];
}

describe('linearReplace', () => {
  it.each([
    // [pattern, flags, text, replacement]
    ['(\\w+) (\\w+)', 'g', 'hello world foo bar', '$2 $1'],
    ['(\\w+) (\\w+)', '', 'hello world foo bar', '$2 $1'],
    ['(?<first>\\w+)-(?<second>\\w+)', 'g', 'a-b c-d', '$<second>+$<first>'],
    ['b', 'g', 'abc', '[$&|$`|$\']'],
    ['b', '', 'abcb', '$$ and $$$$'],
    ['(b)', 'g', 'abc', '$0 $2 $3 $10 $01'],
    ['(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)', '', 'abcdefghijk', '$11-$10-$1'],
    ['(x)?b', 'g', 'ab', '[$1]'],
    ['b', 'g', 'abc', '$<name> stays'],
    ['(?<n>b)', 'g', 'abc', '[$<missing>]'],
    ['a*', 'g', 'baaac', '-'],
    ['', 'gu', 'x\u{1F600}y', '.'],
    ['secret', 'gi', 'A SECRET Secret', '***'],
    ['^line', 'gm', 'line one\nline two', 'L'],
    ['one.line', 's', 'one\nline', 'joined'],
    ['\\d+', 'g', 'café 42 and 7', '#'],
    ['\\bfoo\\b', 'g', 'foo food foo', 'bar'],
    ['\\u00e9|\\u{1F600}', 'gu', 'é \u{1F600}', 'U'],
    ['(?<word>\\p{L}+)', 'gu', 'Grüße, 世界', '<$<word>>'],
  ])('replaces /%s/%s over %j with %j as String.prototype.replace does', (pattern, flags, text, replacement) => {
    const [linear, native] = bothWays(pattern, flags, text, replacement);
    expect(linear).toBe(native);
  });

  it('answers a pattern with nested quantifiers on 100,000 characters (a backtracking engine would not return)', () => {
    const regex = compileLinearRegex('(a+)+$', '');
    const noMatch = `${'a'.repeat(100_000)}b`;
    expect(linearReplace(regex, noMatch, 'X', false)).toBe(noMatch);
    expect(linearReplace(regex, `b${'a'.repeat(100_000)}`, 'X', false)).toBe('bX');
    expect(compileLinearRegex('(\\s*\\w+)*:', '').test(`${'word '.repeat(20_000)}!`)).toBe(false);
  });
});

describe('compileLinearRegex', () => {
  const refusal = (pattern: string, flags = '') => {
    try {
      compileLinearRegex(pattern, flags);
    } catch (error) {
      expect(error).toBeInstanceOf(LinearRegexError);
      return (error as Error).message;
    }
    throw new Error(`expected ${pattern} to be refused`);
  };

  it('refuses backreferences, lookahead and lookbehind, saying which', () => {
    expect(refusal('(a)\\1')).toBe('backreferences are not supported: `\\1`');
    expect(refusal('(?<word>a)\\k<word>')).toBe('backreferences are not supported: `\\k`');
    expect(refusal('x(?=y)')).toBe('lookahead is not supported: `(?=`');
    expect(refusal('x(?!y)')).toBe('lookahead is not supported: `(?!`');
    expect(refusal('(?<=a)b')).toBe('lookbehind is not supported: `(?<=`');
    expect(refusal('(?<!a)b')).toBe('lookbehind is not supported: `(?<!`');
  });

  it('reads the same characters as literals inside a class or escaped, and refuses what does not compile', () => {
    expect(compileLinearRegex('[(?=]', '').test('=')).toBe(true);
    expect(compileLinearRegex('\\(?=', '').test('(=')).toBe(true);
    expect(compileLinearRegex('\\\\1', '').test('\\1')).toBe(true);
    expect(refusal('(unclosed')).toContain('missing closing )');
    expect(refusal('a{1001}')).toContain('invalid repeat count');
    expect(refusal('a', 'y')).toBe('flag "y" is not supported');
  });
});
