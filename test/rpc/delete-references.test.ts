// Deleting what others use is refused, naming them (failed_precondition), as
// deleting a route another route targets always was: a provider routes or
// health checks use, a provider model they use, a route with health checks or
// prompt rules, a key with prompt rules. Left dangling, such references serve
// nothing and make an export that cannot be applied again. Revoking a key is
// never refused; once nothing uses an object, it is deleted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCaller, type AdminCall } from '../helpers/admin-call.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

let gateway: StartedGateway;
let admin: AdminCall;

beforeAll(async () => {
  gateway = await startGateway({ GATEWAY_ADMIN_TOKEN: 'gw-admin-delete-references-0123456789abcdef' });
  admin = adminCaller(gateway.url, gateway.adminToken);
});
afterAll(async () => {
  await gateway?.close();
});

/** The admin call's refusal as Connect JSON answers it: { code, message }. */
async function refusal(method: string, body: object): Promise<{ code: string; message: string }> {
  const response = await fetch(`${gateway.url}/llmgateway.v1.${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` },
    body: JSON.stringify(body),
  });
  expect(response.status).not.toBe(200);
  return (await response.json()) as { code: string; message: string };
}

describe('deleting what others use', () => {
  it('is refused, naming the users, until they are gone', async () => {
    const models = [{ upstreamModel: 'm1' }, { upstreamModel: 'm2' }];
    await admin('ProvidersService/CreateProvider', { id: 'local', name: 'Local', type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE', baseUrl: 'http://127.0.0.1:9/v1', models });
    await admin('RoutesService/CreateRoute', { name: 'chat', strategy: 'ROUTE_STRATEGY_PRIORITY', targets: [{ providerId: 'local', upstreamModel: 'm1' }] });
    const modelCheck = (await admin('HealthChecksService/CreateHealthCheck', { name: 'm1-check', providerId: 'local', upstreamModel: 'm1', enabled: false })).check as { id: string };
    const routeCheck = (await admin('HealthChecksService/CreateHealthCheck', { name: 'chat-check', route: 'chat', enabled: false })).check as { id: string };
    const routeRule = (await admin('PromptRulesService/CreatePromptRule', { name: 'brief', scope: 'PROMPT_RULE_SCOPE_ROUTE', scopeId: 'chat', operation: 'PROMPT_RULE_OPERATION_PREPEND_SYSTEM', text: 'Be brief.' })).rule as { id: string };
    const key = (await admin('KeysService/CreateKey', { name: 'team-a' })).key as { id: string };
    const keyRule = (await admin('PromptRulesService/CreatePromptRule', { name: 'style', scope: 'PROMPT_RULE_SCOPE_KEY', scopeId: key.id, operation: 'PROMPT_RULE_OPERATION_APPEND_USER', text: '!' })).rule as { id: string };

    expect(await refusal('ProvidersService/DeleteProvider', { id: 'local' })).toEqual({
      code: 'failed_precondition',
      message: 'provider "local" is used by route "chat", health check "m1-check"; change or delete them first',
    });
    expect(await refusal('ProvidersService/UpdateProvider', { id: 'local', models: [{ upstreamModel: 'm2' }], updateMask: 'models' })).toEqual({
      code: 'failed_precondition',
      message: 'model "m1" of provider "local" is used by route "chat", health check "m1-check"; change or delete them first',
    });
    expect(await refusal('RoutesService/DeleteRoute', { name: 'chat' })).toEqual({
      code: 'failed_precondition',
      message: 'route "chat" is used by health check "chat-check", prompt rule "brief"; change or delete them first',
    });
    expect(await refusal('KeysService/DeleteKey', { id: key.id })).toEqual({
      code: 'failed_precondition',
      message: `key ${key.id} is used by prompt rule "style"; change or delete it first`,
    });
    // A leaked key is revoked at once, whatever uses it.
    expect(((await admin('KeysService/RevokeKey', { id: key.id })).key as { revokedAt?: string }).revokedAt).toBeDefined();

    // Unused, each goes.
    await admin('PromptRulesService/DeletePromptRule', { id: keyRule.id });
    await admin('KeysService/DeleteKey', { id: key.id });
    await admin('PromptRulesService/DeletePromptRule', { id: routeRule.id });
    await admin('HealthChecksService/DeleteHealthCheck', { id: routeCheck.id });
    await admin('HealthChecksService/DeleteHealthCheck', { id: modelCheck.id });
    await admin('ProvidersService/UpdateProvider', { id: 'local', models: [{ upstreamModel: 'm1' }], updateMask: 'models' });
    await admin('RoutesService/DeleteRoute', { name: 'chat' });
    await admin('ProvidersService/DeleteProvider', { id: 'local' });
    expect((await admin('ProvidersService/ListProviders', {})).providers ?? []).toEqual([]);
  });
});
