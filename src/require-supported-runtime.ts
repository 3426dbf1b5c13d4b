// Imported first by main.ts, so that on an older Node.js the gateway stops
// with the fix in one message before any dependency is evaluated (a module
// written for a newer runtime fails deep inside, or a native one crashes).
import { unsupportedRuntime } from './config/supported-runtime.js';

const problem = unsupportedRuntime(process.versions.node);
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
