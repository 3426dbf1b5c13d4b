// Executes the README's "Moving in from another gateway" blocks as written, in
// one bash in a temporary folder, with the built `llm-gateway` on PATH, against
// a started gateway: $UPSTREAM is an OpenAI-compatible example upstream, and
// $LEGACY_MYSQL_URL a fresh MariaDB database seeded with the old gateway's
// schema and rows (keys encrypted with $LEGACY_JWT_SECRET). Every `# → text`
// line must appear in what its block printed.
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, test } from 'vitest';
import { startAnthropicFixture } from '../fixtures/anthropic-upstream.js';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { startOpenAIFixture, type OpenAIFixture } from '../fixtures/openai-upstream.js';
import { CLI_ENTRY } from '../helpers/cli-process.js';
import { expectBlocksPrinted, runShellBlocks, sectionBlocks, shellEnv } from '../helpers/readme-sections.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { LEGACY_JWT_SECRET, OLD_KEYS, seedLegacyDatabase } from '../import/legacy-database-fixture.js';
import { createFreshMysqlDatabase, type FreshMysqlDatabase } from '../setup/mariadb.js';

const SECTION = '## Moving in from another gateway';
const ADMIN = 'gw-admin-moving-in-section-0123456789';

const serverUrl = inject('mysqlServerUrl');

if (serverUrl === null) {
  test.skip(`README "Moving in" section NOT RUN (its legacy import needs MySQL): ${inject('mysqlUnavailableReason') ?? 'no server'}`, () => {});
} else {
  describe('the README section "Moving in from another gateway"', () => {
    const blocks = sectionBlocks(SECTION);
    let gateway: StartedGateway;
    let upstream: OpenAIFixture;
    let anthropic: FixtureUpstream;
    let database: FreshMysqlDatabase;
    let folder: string;

    beforeAll(async () => {
      if (!existsSync(CLI_ENTRY)) throw new Error('dist/cli is missing: run `npm run build`');
      upstream = await startOpenAIFixture({ family: 'openai-compatible', apiKey: '' });
      anthropic = await startAnthropicFixture({ apiKey: 'sk-FAKE-readme-anthropic' });
      database = await createFreshMysqlDatabase(serverUrl);
      await seedLegacyDatabase(database.url, {
        compatible: { baseUrl: upstream.baseUrl, apiKey: 'sk-FAKE-readme-anthropic' },
        anthropic: { baseUrl: anthropic.baseUrl, apiKey: 'sk-FAKE-readme-anthropic' },
      });
      gateway = await startGateway({ GATEWAY_ADMIN_TOKEN: ADMIN });
      folder = mkdtempSync(path.join(os.tmpdir(), 'gw-readme-moving-in-'));
      symlinkSync(CLI_ENTRY, path.join(folder, 'llm-gateway'));
    }, 90_000);
    afterAll(async () => {
      await gateway?.close();
      await database?.drop();
      await upstream?.close();
      await anthropic?.close();
      if (folder) rmSync(folder, { recursive: true, force: true });
    });

    it('has blocks that say what they print', () => {
      expect(blocks.length).toBeGreaterThanOrEqual(2);
      expect(blocks.flatMap((block) => block.expected).length).toBeGreaterThanOrEqual(6);
    });

    it('runs as written, each block printing what it says it prints', async () => {
      const { code, output, printedPerBlock } = await runShellBlocks(blocks, {
        cwd: folder,
        env: shellEnv({
          // The built `llm-gateway` first.
          PATH: [folder, path.dirname(process.execPath), process.env['PATH'] ?? ''].join(path.delimiter),
          GW: gateway.url,
          ADMIN,
          UPSTREAM: upstream.baseUrl,
          LEGACY_MYSQL_URL: database.url,
          LEGACY_JWT_SECRET,
          OLD_APP_KEY: OLD_KEYS.chat,
        }),
        timeoutMs: 60_000,
      });
      expect(code, output).toBe(0);
      expectBlocksPrinted(blocks, printedPerBlock);
      // The old application's call reached the upstream as the imported route's model.
      expect(upstream.received.some((request) => (request.body as { model?: string }).model === 'plain-text')).toBe(true);
    }, 90_000);
  });
}
