// A finance owner recomputes a request's cost from its request-log row alone: an
// Anthropic upstream (the fixture speaks the Messages wire format) reports cache
// reads and cache writes split by lifetime (cache_creation.ephemeral_5m/1h_input_tokens);
// requests through the official Anthropic SDK, unary and streamed, then
// UsageService.ListRequests (connect-node) shows the writes and their one-hour
// share, and cost_usd is what those columns cost at the model's prices.
// On SQLite, and on MariaDB when the MySQL tier runs.
import { randomBytes } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, inject, it, test } from 'vitest';
import type { RequestLogEntry } from '../../gen/llmgateway/v1/usage_service_pb.js';
import { CACHE_WRITE_1H_MODEL, CACHE_WRITE_1H_USAGE } from '../fixtures/anthropic-dynamic.js';
import { usageClient } from '../helpers/usage-client.js';
import { createFreshMysqlDatabase, type FreshMysqlDatabase } from '../setup/mariadb.js';
import { startShimHarness, type ShimHarness } from '../http/shim-harness.js';

/** USD per million tokens; the five-minute cache-write price is its own, the one-hour one twice the input price. */
const PRICES = { inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.3, cacheWritePerMillion: 3.75 };

/** Anthropic's pricing applied to the row's own columns. */
function costFromColumns(row: RequestLogEntry): number {
  const uncached = row.inputTokens - row.cachedInputTokens - row.cacheWriteTokens;
  const fiveMinuteWrites = row.cacheWriteTokens - row.cacheWrite1hTokens;
  return (
    uncached * PRICES.inputPerMillion +
    row.cachedInputTokens * PRICES.cachedInputPerMillion +
    fiveMinuteWrites * PRICES.cacheWritePerMillion +
    row.cacheWrite1hTokens * PRICES.inputPerMillion * 2 +
    row.outputTokens * PRICES.outputPerMillion
  ) / 1_000_000;
}

function describeCacheWriteColumns(environment: () => Record<string, string>): void {
  let harness: ShimHarness;

  beforeAll(async () => {
    harness = await startShimHarness(['anthropic'], environment());
    const fixture = harness.fixture('anthropic');
    await harness.admin('ProvidersService/CreateProvider', {
      id: 'claude', name: 'Claude with prompt caching', type: 'PROVIDER_TYPE_ANTHROPIC', baseUrl: fixture.baseUrl, apiKey: fixture.apiKey,
      models: [{ upstreamModel: CACHE_WRITE_1H_MODEL, prices: PRICES }],
    });
  });
  afterAll(async () => harness?.close());

  it('ListRequests shows the cache writes and their one-hour share, and cost_usd is what those columns cost', async () => {
    const created = (await harness.admin('KeysService/CreateKey', { name: 'finance' })) as { secret: string; key: { id: string } };
    const client = new Anthropic({ baseURL: harness.gateway.url, apiKey: created.secret, maxRetries: 0 });
    const request = { model: `claude/${CACHE_WRITE_1H_MODEL}`, max_tokens: 64, messages: [{ role: 'user' as const, content: 'The long cached document, again' }] };
    await client.messages.create(request);
    await client.messages.stream(request).finalMessage();
    await harness.gateway.gateway.requestLog.flush();

    const { requests } = await usageClient(harness.gateway.url, harness.gateway.adminToken).listRequests({ filter: { keyId: created.key.id } });
    expect(requests.map((row) => row.stream).sort()).toEqual([false, true]);
    for (const row of requests) {
      expect(row).toMatchObject({
        cacheHit: false,
        inputTokens: CACHE_WRITE_1H_USAGE.input,
        outputTokens: CACHE_WRITE_1H_USAGE.output,
        cachedInputTokens: CACHE_WRITE_1H_USAGE.cachedInput,
        cacheWriteTokens: CACHE_WRITE_1H_USAGE.cacheWrite,
        cacheWrite1hTokens: CACHE_WRITE_1H_USAGE.cacheWrite1h,
      });
      // 1500 uncached × $3 + 1000 read × $0.30 + 900 five-minute writes × $3.75 + 600 one-hour writes × $6 + 50 out × $15, per million.
      expect(costFromColumns(row)).toBeCloseTo(0.012525, 12);
      expect(row.costUsd).toBeCloseTo(costFromColumns(row), 12);
    }
  });
}

describe('cache-write columns of the request log, SQLite', () => {
  describeCacheWriteColumns(() => ({}));
});

const serverUrl = inject('mysqlServerUrl');
if (serverUrl === null) {
  test.skip(`MySQL tier NOT RUN: ${inject('mysqlUnavailableReason') ?? 'no server'}`, () => {});
} else {
  describe('cache-write columns of the request log, MariaDB', () => {
    let database: FreshMysqlDatabase | undefined;
    beforeAll(async () => {
      database = await createFreshMysqlDatabase(serverUrl);
    });
    afterAll(async () => database?.drop());
    // A shared database needs both secrets from the environment (there is no data folder of its own to keep them).
    describeCacheWriteColumns(() => ({
      DATABASE_URL: database!.url,
      GATEWAY_MASTER_KEY: randomBytes(32).toString('base64'),
      GATEWAY_ADMIN_TOKEN: `gw-admin-${randomBytes(16).toString('hex')}`,
    }));
  });
}
