// A database written by a gateway that ran prompt-rule patterns on JavaScript's engine may hold a
// REGEX_REPLACE rule the linear-time engine cannot compile (a backreference). The gateway still
// starts and serves; that rule is left out with a warning naming it, the other rules still apply,
// and the admin API still lists it so it can be fixed or deleted.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { startFixture } from '../completion/matrix-setup.js';
import { adminCaller } from '../helpers/admin-call.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

const ADMIN_TOKEN = 'gw-admin-stored-rule-test-0123456789abcdef';

let fixture: FixtureUpstream;
let dataDir: string;
let gateway: StartedGateway | undefined;
let secret: string;
let legacyId: string;

beforeAll(async () => {
  fixture = await startFixture('openai');
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'gw-stored-rule-'));
  const environment = { GATEWAY_DATA_DIR: dataDir, GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN };
  const first = await startGateway(environment);
  const admin = adminCaller(first.url, ADMIN_TOKEN);
  await admin('ProvidersService/CreateProvider', {
    id: 'openai', name: 'Fixture', type: 'PROVIDER_TYPE_OPENAI', baseUrl: fixture.baseUrl, apiKey: fixture.apiKey,
    models: [{ upstreamModel: 'plain-text' }],
  });
  await admin('RoutesService/CreateRoute', {
    name: 'ruled', strategy: 'ROUTE_STRATEGY_PRIORITY', targets: [{ providerId: 'openai', upstreamModel: 'plain-text' }],
  });
  secret = String((await admin('KeysService/CreateKey', { name: 'stored-rule' }))['secret']);
  const rule = (name: string, pattern: string, replacement: string) =>
    admin('PromptRulesService/CreatePromptRule', {
      name, scope: 'PROMPT_RULE_SCOPE_ROUTE', scopeId: 'ruled', operation: 'PROMPT_RULE_OPERATION_REGEX_REPLACE', pattern, flags: 'g', replacement,
    });
  legacyId = String(((await rule('doubled-letters', 'placeholder', '<$1>'))['rule'] as { id: string }).id);
  await rule('no-secrets', 'password=\\S+', 'password=[removed]');
  await first.close();
  // What the older gateway accepted, written where it kept it.
  const database = new Database(path.join(dataDir, 'gateway.db'));
  database.prepare('update prompt_rules set pattern = ? where id = ?').run('(\\w)\\1', legacyId);
  database.close();
  gateway = await startGateway(environment);
});
afterAll(async () => {
  await gateway?.close();
  await fixture?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('a stored rule the linear-time engine cannot compile', () => {
  it('is left out with a warning; the gateway serves and applies the other rules', async () => {
    const openai = new OpenAI({ baseURL: `${gateway!.url}/v1`, apiKey: secret, maxRetries: 0 });
    const { response } = await openai.chat.completions
      .create({ model: 'ruled', messages: [{ role: 'user', content: 'Hello, password=hunter2' }] })
      .withResponse();
    expect(response.headers.get('x-gateway-rules')).toBe('no-secrets');
    expect(fixture.received.filter((request) => request.normalized).at(-1)!.normalized!.messages.at(-1)?.text).toBe('Hello, password=[removed]');

    const warnings = gateway!.logLines.filter((line) => line.includes('prompt rule skipped'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({
      level: 40,
      promptRule: legacyId,
      name: 'doubled-letters',
      reason: 'backreferences are not supported: `\\1`',
    });

    const admin = adminCaller(gateway!.url, ADMIN_TOKEN);
    const listed = (await admin('PromptRulesService/ListPromptRules', {})) as { rules: Array<{ name: string; pattern: string }> };
    expect(listed.rules.map((rule) => [rule.name, rule.pattern]).sort()).toEqual([
      ['doubled-letters', '(\\w)\\1'],
      ['no-secrets', 'password=\\S+'],
    ]);
    await admin('PromptRulesService/UpdatePromptRule', { id: legacyId, pattern: '(\\w)\\w' });
    const fixed = await openai.chat.completions.create({ model: 'ruled', messages: [{ role: 'user', content: 'ab' }] }).withResponse();
    expect(fixed.response.headers.get('x-gateway-rules')).toBe('doubled-letters');
  });
});
