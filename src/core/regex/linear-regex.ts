// Regular expressions an admin supplies (prompt-rule REGEX_REPLACE, expert-route RULES) run over
// client text on the request path, so they run on a linear-time engine: re2js, a pure-JavaScript port
// of RE2 (https://github.com/google/re2/wiki/Syntax). A backtracking engine (JavaScript's RegExp)
// takes exponential time on patterns such as `(a+)+$`: one 30-character message blocked the event
// loop, every tenant's requests and the health probes, for seconds.
//
// The syntax is RE2's, with JavaScript's spellings translated (`(?<name>…)`, `\uXXXX`, `\u{…}`, `\cX`).
// RE2 has no backreferences and no lookahead or lookbehind: such patterns do not compile here.
//
// The engine is a chunk of its own, loaded on first need (about 0.7 MB of heap and its source kept
// resident): a gateway without regex rules never loads it. Every path that compiles or matches is
// async before it gets here and awaits loadLinearRegexEngine() first (the prompt-rule table's load,
// the expert router's RULES classifier, the admin validation of both).
import type { RE2JS } from 're2js';

let engine: typeof RE2JS | undefined;

export async function loadLinearRegexEngine(): Promise<void> {
  engine ??= (await import('re2js')).RE2JS;
}

function loaded(): typeof RE2JS {
  if (engine === undefined) throw new Error('the linear-time regex engine is not loaded: await loadLinearRegexEngine() first');
  return engine;
}

export type LinearRegex = RE2JS;

/** The JavaScript flags a pattern may carry; `g` is the caller's business (replace all or first). */
function flagBits(re2: typeof RE2JS): Readonly<Record<string, number>> {
  // RE2 always matches by code point, as JavaScript does with `u`.
  return { i: re2.CASE_INSENSITIVE, m: re2.MULTILINE, s: re2.DOTALL, u: 0, g: 0 };
}

export const LINEAR_REGEX_LIMITS =
  "the gateway's linear-time regex engine (RE2 syntax: no backreferences, lookahead or lookbehind)";

/** Thrown when a pattern does not compile; the message says why, without the engine's prefix. */
export class LinearRegexError extends Error {}

/** Compiles `pattern` with JavaScript-style `flags` (any of g, i, m, s, u). Throws LinearRegexError. */
export function compileLinearRegex(pattern: string, flags = ''): LinearRegex {
  const re2 = loaded();
  const bits = flagBits(re2);
  let combined = 0;
  for (const flag of flags) {
    const bit = bits[flag];
    if (bit === undefined) throw new LinearRegexError(`flag "${flag}" is not supported`);
    combined |= bit;
  }
  const unsupported = findUnsupported(pattern);
  if (unsupported !== null) throw new LinearRegexError(unsupported);
  try {
    return re2.compile(re2.translateRegExp(pattern), combined);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new LinearRegexError(message.replace(/^error parsing regexp: /, ''));
  }
}

const compiled = new Map<string, LinearRegex | LinearRegexError>();
const MAX_COMPILED = 1000;

/**
 * The same, compiled once per pattern and flags (compiling costs far more than a match on short
 * text). A pattern that does not compile gives its LinearRegexError, also remembered.
 */
export function cachedLinearRegex(pattern: string, flags = ''): LinearRegex | LinearRegexError {
  const cacheKey = `${flags}/${pattern}`;
  let entry = compiled.get(cacheKey);
  if (entry === undefined) {
    try {
      entry = compileLinearRegex(pattern, flags);
    } catch (error) {
      if (!(error instanceof LinearRegexError)) throw error;
      entry = error;
    }
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(cacheKey, entry);
  }
  return entry;
}

/**
 * `text.replace(regex, replacement)` with a global or a first-match-only regex: the replacement's
 * syntax is String.prototype.replace's ($1, $<name>, $&, $`, $', $$), which re2js implements.
 */
export function linearReplace(regex: LinearRegex, text: string, replacement: string, global: boolean): string {
  const matcher = regex.matcher(text);
  return global ? matcher.replaceAll(replacement) : matcher.replaceFirst(replacement);
}

/**
 * What RE2 lacks, named: backreferences (`\1`…`\9`, `\k<name>`), lookahead and lookbehind. RE2 refuses
 * them too, but with messages that do not say so (a lookbehind is an "invalid named capture"), and
 * the JavaScript-to-RE2 translation turns `\k<name>` into the literal `k<name>`, which would compile
 * and silently match something else.
 */
function findUnsupported(pattern: string): string | null {
  let inClass = false;
  for (let index = 0; index < pattern.length; index += 1) {
    const character = pattern[index];
    if (character === '\\') {
      const next = pattern[index + 1] ?? '';
      if (next === 'k' || (next >= '1' && next <= '9')) return `backreferences are not supported: \`${pattern.slice(index, index + 2)}\``;
      index += 1;
    } else if (inClass) {
      inClass = character !== ']';
    } else if (character === '[') {
      inClass = true;
    } else if (character === '(' && pattern[index + 1] === '?') {
      const kind = pattern[index + 2];
      const behind = kind === '<' && (pattern[index + 3] === '=' || pattern[index + 3] === '!');
      if (kind === '=' || kind === '!' || behind) {
        const syntax = pattern.slice(index, index + (behind ? 4 : 3));
        return `${behind ? 'lookbehind' : 'lookahead'} is not supported: \`${syntax}\``;
      }
    }
  }
  return null;
}
