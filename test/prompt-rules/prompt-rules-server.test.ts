// Prompt rules through the real server: a key's rule and a route's rule
// rewrite the prompt before dispatch; the upstream receives the rewritten
// prompt, and the answer says which rules applied (RPC route info, shim header).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import OpenAI from 'openai';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { startFixture } from '../completion/matrix-setup.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

let gateway: StartedGateway;
let fixture: FixtureUpstream;
let secret: string;

async function admin(method: string, body: object): Promise<Record<string, unknown>> {
  const response = await fetch(`${gateway.url}/llmgateway.v1.${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${method}: ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

beforeAll(async () => {
  gateway = await startGateway();
  fixture = await startFixture('openai');
  await admin('ProvidersService/CreateProvider', {
    id: 'openai', name: 'Fixture', type: 'PROVIDER_TYPE_OPENAI', baseUrl: fixture.baseUrl, apiKey: fixture.apiKey,
    models: [{ upstreamModel: 'plain-text' }],
  });
  await admin('RoutesService/CreateRoute', {
    name: 'ruled', strategy: 'ROUTE_STRATEGY_PRIORITY', targets: [{ providerId: 'openai', upstreamModel: 'plain-text' }],
  });
  const created = (await admin('KeysService/CreateKey', { name: 'team-blue', metadata: { team: 'blue' } })) as { key: { id: string }; secret: string };
  secret = created.secret;
  await admin('PromptRulesService/CreatePromptRule', {
    name: 'house-style', scope: 'PROMPT_RULE_SCOPE_KEY', scopeId: created.key.id,
    operation: 'PROMPT_RULE_OPERATION_PREPEND_SYSTEM', text: 'Team {{metadata.team}}: be brief.',
  });
  await admin('PromptRulesService/CreatePromptRule', {
    name: 'sign', scope: 'PROMPT_RULE_SCOPE_ROUTE', scopeId: 'ruled',
    operation: 'PROMPT_RULE_OPERATION_APPEND_USER', text: '(asked by {{key.name}})',
  });
  await admin('PromptRulesService/CreatePromptRule', {
    name: 'no-secrets', scope: 'PROMPT_RULE_SCOPE_ROUTE', scopeId: 'ruled',
    operation: 'PROMPT_RULE_OPERATION_REGEX_REPLACE', pattern: 'password=\\S+', flags: 'g', replacement: 'password=[removed]',
  });
});
afterAll(async () => {
  await fixture?.close();
  await gateway?.close();
});

const lastReceived = () => fixture.received.filter((request) => request.normalized).at(-1)!.normalized!;

describe('prompt rules', () => {
  it('rewrite the prompt on the RPC, and the route info lists them', async () => {
    const transport = createConnectTransport({ baseUrl: gateway.url, httpVersion: '1.1' });
    const rpc = createClient(CompletionService, transport);
    const answer = await rpc.complete(
      { chat: { model: 'ruled', messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: 'Log in with password=hunter2' } } }] }] } },
      { headers: { authorization: `Bearer ${secret}` } },
    );
    expect(answer.response?.route?.rulesApplied).toEqual(['house-style', 'no-secrets', 'sign']);
    const received = lastReceived();
    expect(received.system).toBe('Team blue: be brief.');
    expect(received.messages.at(-1)?.text).toBe('Log in with password=[removed]\n\n(asked by team-blue)');
  });

  it('rewrite the prompt on the OpenAI shim, with the rules in a header', async () => {
    const openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: secret, maxRetries: 0 });
    const { response } = await openai.chat.completions
      .create({ model: 'ruled', messages: [{ role: 'system', content: 'Original system.' }, { role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(response.headers.get('x-gateway-rules')).toBe('house-style, sign');
    const received = lastReceived();
    expect(received.system).toBe('Team blue: be brief.\n\nOriginal system.');
    expect(received.messages.at(-1)?.text).toBe('Hi\n\n(asked by team-blue)');
  });

  it('leave requests to other models alone (route rules) but still apply the key rule', async () => {
    const openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: secret, maxRetries: 0 });
    const { response } = await openai.chat.completions
      .create({ model: 'openai/plain-text', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(response.headers.get('x-gateway-rules')).toBe('house-style');
    expect(lastReceived().messages.at(-1)?.text).toBe('Hi');
  });
});
