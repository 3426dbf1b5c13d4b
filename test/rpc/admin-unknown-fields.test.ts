// The admin API refuses JSON fields it does not know, through the real server: a misspelled field
// (`allowedModel` for `allowedModels`) is invalid_argument naming it, and creates nothing — as
// gateway.yaml refuses the same typo — on every admin service, in POST and GET requests and in nested
// messages. CompletionService keeps accepting fields it does not know (clients on a newer contract),
// and binary requests keep protobuf's unknown-field handling. A refused update_mask path lists the
// updatable fields as JSON callers must spell them too.
import { WireType } from '@bufbuild/protobuf/wire';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeysService } from '../../gen/llmgateway/v1/keys_service_pb.js';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { startFixture } from '../completion/matrix-setup.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

let gateway: StartedGateway;
let fixture: FixtureUpstream;

async function post(method: string, body: object, authorization = `Bearer ${gateway.adminToken}`) {
  const response = await fetch(`${gateway.url}/llmgateway.v1.${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function adminClient(useBinaryFormat: boolean) {
  const transport = createConnectTransport({
    baseUrl: gateway.url,
    httpVersion: '1.1',
    useBinaryFormat,
    interceptors: [(next) => (request) => (request.header.set('authorization', `Bearer ${gateway.adminToken}`), next(request))],
  });
  return createClient(KeysService, transport);
}

beforeAll(async () => {
  gateway = await startGateway();
  fixture = await startFixture('openai');
  const created = await post('ProvidersService/CreateProvider', {
    id: 'openai', name: 'Fixture', type: 'PROVIDER_TYPE_OPENAI', baseUrl: fixture.baseUrl, apiKey: fixture.apiKey,
    models: [{ upstreamModel: 'plain-text' }],
  });
  expect(created.status).toBe(200);
});
afterAll(async () => {
  await fixture?.close();
  await gateway?.close();
});

describe('admin Connect JSON', () => {
  it('refuses a misspelled field with invalid_argument naming it, and creates nothing', async () => {
    const typo = await post('KeysService/CreateKey', { name: 'typo-key', allowedModel: ['openai/plain-text'] });
    expect(typo.status).toBe(400);
    expect(typo.body['code']).toBe('invalid_argument');
    expect(String(typo.body['message'])).toContain('"allowedModel" is unknown');

    const nested = await post('KeysService/CreateKey', { name: 'typo-key', rateLimits: { requestsPerMinut: 1 } });
    expect(nested.status).toBe(400);
    expect(String(nested.body['message'])).toContain('"requestsPerMinut" is unknown');

    const keys = await post('KeysService/ListKeys', {});
    expect((keys.body['keys'] as Array<{ name: string }> | undefined)?.map((key) => key.name) ?? []).not.toContain('typo-key');
    // Spelled right, the same request is served.
    expect((await post('KeysService/CreateKey', { name: 'typo-key', allowedModels: ['openai/plain-text'] })).status).toBe(200);
  });

  it('refuses unknown fields on every admin service, in POST and in GET requests', async () => {
    for (const method of [
      'KeysService/ListKeys',
      'ProvidersService/ListProviders',
      'RoutesService/ListRoutes',
      'PromptRulesService/ListPromptRules',
      'UsageService/ListRequests',
      'HealthChecksService/ListHealthChecks',
    ]) {
      const answer = await post(method, { colour: 1 });
      expect([method, answer.status, answer.body['code']]).toEqual([method, 400, 'invalid_argument']);
      expect(String(answer.body['message'])).toContain('"colour" is unknown');
    }
    const query = new URLSearchParams({ connect: 'v1', encoding: 'json', message: JSON.stringify({ pageSiz: 5 }) });
    const viaGet = await fetch(`${gateway.url}/llmgateway.v1.KeysService/ListKeys?${query}`, { headers: { authorization: `Bearer ${gateway.adminToken}` } });
    expect(viaGet.status).toBe(400);
    expect(((await viaGet.json()) as { message: string }).message).toContain('"pageSiz" is unknown');
  });

  it('keeps CompletionService lenient: a field from a newer contract is ignored', async () => {
    const { body } = await post('KeysService/CreateKey', { name: 'caller' });
    const answer = await post(
      'CompletionService/Complete',
      { chat: { model: 'openai/plain-text', messages: [{ role: 'ROLE_USER', content: [{ text: { text: 'Hi' } }] }], futureOption: true }, futureField: 1 },
      `Bearer ${String(body['secret'])}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body['response']).toBeDefined();
  });

  it('keeps unknown fields of binary requests as protobuf does (connect-node, binary)', async () => {
    const { key } = await adminClient(true).createKey({ name: 'binary-caller', $unknown: [{ no: 999, wireType: WireType.Varint, data: new Uint8Array([1]) }] });
    expect(key?.name).toBe('binary-caller');
  });

  it('lists the updatable fields of a refused update_mask path in their JSON spelling too (connect-node, JSON)', async () => {
    const client = adminClient(false);
    const { key } = await client.createKey({ name: 'masked' });
    const error = await client.updateKey({ id: key!.id, updateMask: { paths: ['nope'] } }).then(
      () => undefined,
      (caught: unknown) => ConnectError.from(caught),
    );
    expect(error?.code).toBe(Code.InvalidArgument);
    expect(error?.rawMessage).toMatch(/^update_mask: unknown or immutable field "nope"; updatable: name, enabled, /);
    expect(error?.rawMessage).toContain('rate_limits (JSON: rateLimits)');
    // The JSON spelling the message names is accepted.
    const updated = await post('KeysService/UpdateKey', { id: key!.id, updateMask: 'rateLimits', rateLimits: { requestsPerMinute: 5 } });
    expect(updated.status).toBe(200);
  });
});
