// Memory: a provider family's SDK loads with the first call of a provider of
// that family, only the database driver in use is imported, and Fastify's
// schema compilers (ajv) are not loaded. A fresh process shows what a start
// costs; the shim harness shows each family still answering once its SDK
// loaded on demand.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadedSdks } from '../../src/providers/shared/lazy-sdk.js';
import { startShimHarness, type ShimHarness } from '../http/shim-harness.js';

const run = promisify(execFile);

// Runs in its own process against dist/ (npm test builds first): builds the app
// on the embedded database, then lists SDKs and CommonJS drivers loaded.
const PROBE = `
import { createRequire } from 'node:module';
const { build } = await import('./dist/src/app.js');
const { loadConfig } = await import('./dist/src/config/config.js');
const { loadedSdks } = await import('./dist/src/providers/shared/lazy-sdk.js');
const config = loadConfig({ GATEWAY_DATA_DIR: process.env.PROBE_DATA_DIR, GATEWAY_PORT: '0', GATEWAY_LOG_LEVEL: 'silent' });
const gateway = await build(config, { onAdminTokenGenerated: () => {} });
const modules = Object.keys(createRequire(process.cwd() + '/').cache);
const loaded = (name) => modules.some((file) => file.includes('/node_modules/' + name + '/'));
process.stdout.write(JSON.stringify({ sdks: loadedSdks(), mysql2: loaded('mysql2'), sqlite: loaded('better-sqlite3'), ajv: loaded('ajv') }));
await gateway.close();
process.exit(0);
`;

describe('lazy loading', () => {
  it('a fresh gateway on SQLite loads no provider SDK, no mysql2 and no ajv', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-lazy-'));
    try {
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', PROBE], {
        env: { PATH: process.env.PATH ?? '', PROBE_DATA_DIR: dataDir },
      });
      expect(JSON.parse(stdout)).toEqual({ sdks: [], mysql2: false, sqlite: true, ajv: false });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  describe('SDKs load per family, on the first call', () => {
    let harness: ShimHarness;
    beforeAll(async () => {
      harness = await startShimHarness(['openai-compatible', 'anthropic', 'gemini']);
    });
    afterAll(async () => harness?.close());

    it('each family answers, and loading one leaves the others unloaded', async () => {
      // Providers are configured, none called yet.
      expect(loadedSdks()).toEqual([]);
      const ask = async (family: string) => {
        const answer = await harness.client.chat.completions.create({ model: `${family}/plain-text`, messages: [{ role: 'user', content: 'Say hello' }] });
        expect(answer.choices[0]?.message.content).toBe('Hello, world!');
      };
      await ask('openai-compatible');
      expect(loadedSdks()).toEqual(['openai']);
      await ask('anthropic');
      expect(loadedSdks()).toEqual(['@anthropic-ai/sdk', 'openai']);
      await ask('gemini');
      expect(loadedSdks()).toEqual(['@anthropic-ai/sdk', '@google/genai', 'openai']);
    });
  });
});
