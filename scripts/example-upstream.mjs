// Runs examples/example-upstream.ts: bundled on the fly with esbuild (already
// the build's bundler) into dist/, as the TypeScript sources import each other
// by their compiled .js names.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'dist/examples/example-upstream.mjs');
await build({
  entryPoints: [path.join(root, 'examples/example-upstream.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // @bufbuild/protobuf is imported by the fixtures' scenario types: bundle it, nothing to install.
  logLevel: 'warning',
});
await import(pathToFileURL(outfile).href);
