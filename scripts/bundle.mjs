// `npm run build`, second step: bundles the compiled gateway (dist/src) into
// dist/gateway/ (and the admin CLI into dist/cli/) — what `npm start` runs. One file of whitespace-free code
// instead of ~800 modules keeps about 4 MB less resident (module records and
// their source text stay in memory for the life of the process); the SDKs a
// deployment may never call stay lazily loaded chunks. Identifiers are not
// minified, so stack traces still name the functions; keepNames is off — its
// helper redefined `name` on every closure made per request (4–5 % more
// instructions per chat request). Packages with native code
// or files read at run time stay in node_modules.
import { chmodSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist/gateway');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [path.join(root, 'dist/src/main.js')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // better-sqlite3 and mysql2 load native or optional parts; gpt-tokenizer's encodings are required by path on first use.
  external: ['better-sqlite3', 'mysql2', 'gpt-tokenizer'],
  minifyWhitespace: true,
  minifySyntax: true,
  // No keepNames: see the header comment and test/architecture/bundle-no-name-helper.test.ts.
  keepNames: false,
  legalComments: 'none',
  // CommonJS dependencies inside an ES module bundle still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __gatewayRequire } from 'node:module'; const require = __gatewayRequire(import.meta.url);" },
  logLevel: 'warning',
});

// The admin CLI (package.json `bin`): one file, run by `npx llm-gateway`.
const cliDir = path.join(root, 'dist/cli');
rmSync(cliDir, { recursive: true, force: true });
await build({
  entryPoints: { 'llm-gateway': path.join(root, 'dist/src/cli/main.js') },
  outdir: cliDir,
  bundle: true,
  format: 'esm',
  // `import legacy` reads the old gateway's MySQL database or SQLite file; mysql2 loads optional parts at run
  // time and better-sqlite3 its native binding by path.
  external: ['mysql2', 'better-sqlite3'],
  platform: 'node',
  target: 'node22',
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  legalComments: 'none',
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __gatewayRequire } from 'node:module'; const require = __gatewayRequire(import.meta.url);" },
  logLevel: 'warning',
});
chmodSync(path.join(cliDir, 'llm-gateway.js'), 0o755);
