// The bundle `npm start` runs (dist/gateway, built by `npm run build` before the
// tests) holds Latin-1 characters only. V8 keeps a script's source for the life
// of the process, in one byte per character — unless a single character of it
// is beyond Latin-1 (a "…" in a String.raw template, which esbuild cannot
// escape), and then the whole file takes two: about 2 MB more resident memory
// for the main chunk alone. Write such characters as \u escapes.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const BUNDLE = path.resolve('dist/gateway');

describe('the gateway bundle', () => {
  it('has no character beyond Latin-1 in any chunk (each source stays one byte per character in memory)', () => {
    const files = readdirSync(BUNDLE).filter((name) => name.endsWith('.js'));
    expect(files.length).toBeGreaterThan(1);
    const found: string[] = [];
    for (const name of files) {
      const text = readFileSync(path.join(BUNDLE, name), 'utf8');
      const at = text.search(/[^\u0000-\u00ff]/u);
      if (at >= 0) found.push(`${name}: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 20))}`);
    }
    expect(found).toEqual([]);
  });
});
