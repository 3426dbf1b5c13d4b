// The model lists (GET /v1/models through the openai SDK, ListModels over Connect) name each id once, and
// only ids a request of that key can use as they are: an alias two providers share is ambiguous for a key
// that may use both (its models stay listed by full id) but listed for a key bound to one of them, and an
// alias shadowed by a route of the same name is the route's.
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { startRoutingHarness, type RoutingHarness } from './routing-harness.js';

let harness: RoutingHarness;

const provider = (id: string, models: Array<{ upstreamModel: string; alias?: string }>) =>
  harness.admin('ProvidersService/CreateProvider', {
    id,
    name: `Fixture ${id}`,
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: harness.upstream.baseUrl,
    apiKey: harness.upstream.apiKey,
    models,
  });

async function listsFor(allowedModels: string[]) {
  const { secret } = (await harness.admin('KeysService/CreateKey', { name: `lists-${allowedModels.length}`, allowedModels })) as { secret: string };
  const openai = new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: secret, maxRetries: 0 });
  const shim: string[] = [];
  for await (const model of openai.models.list()) shim.push(model.id);
  const transport = createConnectTransport({ baseUrl: harness.gateway.url, httpVersion: '1.1', interceptors: [(next) => (request) => (request.header.set('authorization', `Bearer ${secret}`), next(request))] });
  const rpc = (await createClient(CompletionService, transport).listModels({})).models.map((model) => model.id);
  return { shim, rpc, openai };
}

beforeAll(async () => {
  harness = await startRoutingHarness();
  await provider('east', [{ upstreamModel: 'ok-east', alias: 'shared-model' }, { upstreamModel: 'ok-front', alias: 'front-door' }]);
  await provider('west', [{ upstreamModel: 'ok-west', alias: 'shared-model' }]);
  // A route named like east's alias: requests for "front-door" take the route.
  await harness.createRoute('front-door', 'priority', ['ok-c']);
});
afterAll(() => harness?.close());

describe('the model lists', () => {
  it('name each id once, and leave out an alias that is ambiguous for the key', async () => {
    const { shim, rpc, openai } = await listsFor([]);
    for (const ids of [shim, rpc]) {
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).not.toContain('shared-model');
      expect(ids).toEqual(expect.arrayContaining(['east/ok-east', 'west/ok-west', 'front-door', 'east/ok-front']));
    }
    expect(rpc).toEqual(shim);
    // What the lists leave out is what a request cannot use as it is.
    await expect(openai.chat.completions.create({ model: 'shared-model', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({ status: 400 });
  });

  it('list a shared alias for a key that may use only one of its models, and it serves', async () => {
    const { shim, rpc, openai } = await listsFor(['east/*']);
    for (const ids of [shim, rpc]) {
      expect(ids.filter((id) => id === 'shared-model')).toHaveLength(1);
      expect(ids).not.toContain('west/ok-west');
    }
    const answer = await openai.chat.completions.create({ model: 'shared-model', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    expect(answer.response.headers.get('x-gateway-provider')).toBe('east');
  });
});
