// On MySQL/MariaDB a failed INSERT's error carries the whole statement (`sql`, with every value inlined) —
// for a Responses turn with a document, megabytes of base64 on one log line. The log line of a response
// that could not be stored names the failure and never the statement or its values (README "Logs"), and
// llm_gateway_responses_not_stored_total counts it.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it, test } from 'vitest';
import { createFreshMysqlDatabase, type FreshMysqlDatabase } from '../../setup/mariadb.js';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';
import { PDF_DATA_URL } from '../documents/document-fixtures.js';
import { parseExposition, scrape } from '../../metrics/exposition.js';

const serverUrl = inject('mysqlServerUrl');
const METRICS_TOKEN = 'metrics-token-for-the-mysql-store-test';

if (serverUrl === null) {
  test.skip(`MySQL tier NOT RUN: ${inject('mysqlUnavailableReason') ?? 'no server'}`, () => {});
} else {
  let database: FreshMysqlDatabase | undefined;
  let harness: ShimHarness | undefined;

  beforeAll(async () => {
    database = await createFreshMysqlDatabase(serverUrl);
    harness = await startShimHarness(['anthropic'], { DATABASE_URL: database.url, GATEWAY_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'), GATEWAY_ADMIN_TOKEN: 'admin-token-for-the-mysql-store-test', GATEWAY_METRICS_TOKEN: METRICS_TOKEN });
  });
  afterAll(async () => {
    await harness?.close();
    await database?.drop();
  });

  describe('a response MariaDB cannot keep', () => {
    it('is answered with not_stored, and its log line carries neither the SQL nor the document', async () => {
      const gateway = harness!.gateway;
      await sql`drop table stored_responses`.execute(gateway.gateway.storage.database.db);
      // A text marker inside a document the store would have inlined into its INSERT.
      const marker = 'MARKER-DOCUMENT-TEXT-'.repeat(2000);
      const fileData = `data:text/plain;base64,${Buffer.from(marker).toString('base64')}`;
      const { data, response } = await harness!.client.responses
        .create({
          model: 'anthropic/plain-text',
          input: [
            {
              role: 'user',
              content: [
                { type: 'input_file', file_data: PDF_DATA_URL, filename: 'report.pdf' },
                { type: 'input_file', file_data: fileData, filename: 'notes.txt' },
                { type: 'input_text', text: 'Summarise.' },
              ],
            },
          ],
        })
        .withResponse();
      expect(data.output_text).toBe('Hello, world!');
      const warnings = JSON.parse(response.headers.get('x-gateway-warnings') ?? '[]') as Array<{ code: string }>;
      expect(warnings.map((warning) => warning.code)).toContain('not_stored');

      const line = gateway.logLines.find((entry) => entry.includes('storing a response failed') && entry.includes(data.id));
      expect(line).toBeDefined();
      const logged = JSON.parse(line!) as { err: Record<string, unknown> };
      // What happened is still there: the driver's code and a short message.
      expect(logged.err['code']).toBe('ER_NO_SUCH_TABLE');
      expect(String(logged.err['message'])).toMatch(/stored_responses/);
      expect(logged.err).not.toHaveProperty('sql');
      expect(line).not.toContain('insert into');
      expect(line).not.toContain(Buffer.from(marker).toString('base64').slice(0, 40));
      expect(line).not.toContain('MARKER-DOCUMENT-TEXT');
      expect(line!.length).toBeLessThan(4096);
      // An operator counts them too.
      const metrics = parseExposition((await scrape(`${gateway.url}/metrics`, METRICS_TOKEN)).text);
      expect(metrics.sum('llm_gateway_responses_not_stored_total')).toBe(1);
    });
  });
}
