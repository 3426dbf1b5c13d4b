// The wiring in build(): the gateway exposes its request-log writer, serves
// UsageService with the admin token, and a graceful close flushes every
// buffered row before the database closes.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { UsageGrouping, UsageService } from '../../gen/llmgateway/v1/usage_service_pb.js';
import { loadConfig } from '../../src/config/config.js';
import { openStorage } from '../../src/storage/index.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { collectPages, makeRequestLog } from '../storage/fixtures.js';

describe('request log in the running gateway', () => {
  let started: StartedGateway | undefined;

  afterEach(async () => {
    await started?.close();
    started = undefined;
  });

  it('rows written just before shutdown are all in the database afterwards; UsageService serves them', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-log-'));
    started = await startGateway({ GATEWAY_DATA_DIR: dataDir, GATEWAY_ADMIN_TOKEN: 'usage-admin-token-0123456789abcdef' });
    const { gateway } = started;
    const usage = createClient(UsageService, createConnectTransport({ baseUrl: started.url, httpVersion: '1.1' }));
    const headers = { authorization: `Bearer ${started.adminToken}` };

    gateway.requestLog.write(makeRequestLog({ id: 'early', time: Date.now() }));
    await gateway.requestLog.flush();
    const listed = await usage.listRequests({}, { headers });
    expect(listed.requests.map((entry) => entry.id)).toEqual(['early']);
    const byKey = await usage.aggregateUsage({ groupBy: UsageGrouping.KEY }, { headers });
    expect(byKey.rows.map((row) => [row.group, row.requests])).toEqual([['key-1', 1]]);

    // Within the 1 s interval and below a batch (128 rows on SQLite): only close() can write these.
    for (let index = 0; index < 50; index += 1) {
      gateway.requestLog.write(makeRequestLog({ id: `late-${index}`, time: Date.now() + index }));
    }
    await started.close();
    started = undefined;
    expect(gateway.requestLog.stats()).toMatchObject({ buffered: 0, written: 51, dropped: 0 });

    const storage = await openStorage({ dataDir });
    try {
      const rows = await collectPages((cursor) => storage.requestLogs.list({}, { limit: 500, cursor }));
      expect(rows.items).toHaveLength(51);
    } finally {
      await storage.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('GATEWAY_LOG_RETENTION_DAYS defaults to 30, accepts 0 and rejects nonsense', () => {
    expect(loadConfig({}).logRetentionDays).toBe(30);
    expect(loadConfig({ GATEWAY_LOG_RETENTION_DAYS: '0' }).logRetentionDays).toBe(0);
    expect(loadConfig({ GATEWAY_LOG_RETENTION_DAYS: ' 365 ' }).logRetentionDays).toBe(365);
    expect(() => loadConfig({ GATEWAY_LOG_RETENTION_DAYS: '-1' })).toThrow(/GATEWAY_LOG_RETENTION_DAYS/);
    expect(() => loadConfig({ GATEWAY_LOG_RETENTION_DAYS: 'forever' })).toThrow(/GATEWAY_LOG_RETENTION_DAYS/);
  });
});
