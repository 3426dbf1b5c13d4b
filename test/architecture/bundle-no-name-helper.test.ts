// The bundle `npm start` runs (dist/gateway) is built without esbuild's keepNames. With it, every
// function or class made at run time — each closure a request creates — went through a `__name()`
// helper that redefines the function's `name` property: about 8 KB more allocated and 4–5 % more
// instructions per chat request (docs/performance.md). Identifiers are not minified, so functions
// keep their own names in stack traces; only a name esbuild changed to avoid a clash between
// modules (a second `APIError` becomes `APIError2`) shows so. main-process.test.ts checks that the
// SDK clients still name themselves in their user agent.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const BUNDLE = path.resolve('dist/gateway');

describe('the gateway bundle', () => {
  it('renames no function at run time (no keepNames helper in any chunk)', () => {
    const files = readdirSync(BUNDLE).filter((name) => name.endsWith('.js'));
    expect(files.length).toBeGreaterThan(1);
    const withHelper = files.filter((name) => /\b__name\(/.test(readFileSync(path.join(BUNDLE, name), 'utf8')));
    expect(withHelper).toEqual([]);
  });
});
