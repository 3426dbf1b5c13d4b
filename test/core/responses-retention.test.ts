// Stored Responses API answers are kept for GATEWAY_RESPONSES_RETENTION_DAYS
// (default 30, 0 keeps them): the variable, and the background job that
// deletes older responses from a real SQLite database while newer ones stay.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { composeResponses } from '../../src/compose-responses.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import type { StoredResponse } from '../../src/domain/stored-response.js';
import { openStorage, type GatewayStorage } from '../../src/storage/index.js';

const DAY = 86_400_000;
let storage: GatewayStorage | undefined;
let directory = '';

afterEach(async () => {
  await storage?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
});

const stored = (id: string, createdAt: number): StoredResponse => ({
  id,
  keyId: 'key-1',
  previousResponseId: '',
  model: 'm',
  createdAt,
  response: { id, object: 'response', output: [] },
  inputItems: [{ id: 'msg_1', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
});

describe('GATEWAY_RESPONSES_RETENTION_DAYS', () => {
  it('defaults to 30 days, takes 0 (keep forever), and names a bad value', () => {
    expect(loadConfig({}).responses).toEqual({ retentionDays: 30 });
    expect(loadConfig({ GATEWAY_RESPONSES_RETENTION_DAYS: '0' }).responses.retentionDays).toBe(0);
    expect(loadConfig({ GATEWAY_RESPONSES_RETENTION_DAYS: '7' }).responses.retentionDays).toBe(7);
    const error = (() => {
      try {
        loadConfig({ GATEWAY_RESPONSES_RETENTION_DAYS: 'a month' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(['GATEWAY_RESPONSES_RETENTION_DAYS: must be a whole number']);
  });

  it('the retention job deletes responses older than the window and keeps the newer ones', async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'gw-responses-retention-'));
    storage = await openStorage({ dataDir: directory });
    const now = 100 * DAY;
    await storage.storedResponses.save(stored('resp_old', now - 8 * DAY));
    await storage.storedResponses.save(stored('resp_new', now - 6 * DAY));
    const lines: string[] = [];
    const log = { error: () => undefined, warn: () => undefined, info: (_: object, message: string) => void lines.push(message) };
    const responses = composeResponses({ storage, retentionDays: 7, log, now: () => now });
    expect(await responses.retention.runOnce()).toBe(1);
    expect(await storage.storedResponses.get('resp_old')).toBeNull();
    expect((await storage.storedResponses.get('resp_new'))?.id).toBe('resp_new');
    expect(lines).toEqual(['deleted expired stored responses']);

    const forever = composeResponses({ storage, retentionDays: 0, log, now: () => now + 365 * DAY });
    expect(await forever.retention.runOnce()).toBe(0);
    expect((await storage.storedResponses.get('resp_new'))?.id).toBe('resp_new');
  });
});
