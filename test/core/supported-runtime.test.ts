import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { unsupportedRuntime } from '../../src/config/supported-runtime.js';

describe('the supported Node.js runtimes', () => {
  it('accepts Node 24 and Node 22 from 22.12, and newer majors', () => {
    for (const version of ['v24.0.0', '24.21.0', 'v22.12.0', '22.23.3', 'v26.1.0']) expect(unsupportedRuntime(version)).toBeUndefined();
  });

  it('refuses older releases with the fix in the message', () => {
    for (const version of ['v20.20.2', '22.11.0', 'v18.20.4', '23.11.0']) {
      const problem = unsupportedRuntime(version);
      expect(problem).toContain(`this is Node.js ${version.replace(/^v/, '')}`);
      expect(problem).toContain('Node.js 24 LTS');
      expect(problem).toContain('scripts/with-node npm ci');
    }
  });

  it('agrees with package.json engines', () => {
    const engines = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }).engines.node;
    expect(engines).toBe('^22.12.0 || >=24.0.0');
    // The runtime running this suite is one the gateway supports.
    expect(unsupportedRuntime(process.versions.node)).toBeUndefined();
  });
});
