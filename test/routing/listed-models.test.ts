// The model lists (GET /v1/models through the openai SDK, ListModels over Connect) name each id once, and
// only ids a request of that key can use as they are: an alias two providers share is ambiguous for a key
// that may use both (its models stay listed by full id) but listed for a key bound to one of them, and an
// alias shadowed by a route of the same name is the route's. A model's bare upstream id (`gpt-4o`, which the
// gateway apps move from listed) follows the same rule, and every listed id answers the single-model GET of
// the OpenAI, Anthropic and Gemini surfaces.
import Anthropic from '@anthropic-ai/sdk';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { GoogleGenAI } from '@google/genai';
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
  const { secret } = (await harness.admin('KeysService/CreateKey', { name: `lists-${allowedModels.join('-') || 'all'}`, allowedModels })) as { secret: string };
  const openai = new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: secret, maxRetries: 0 });
  const shim: string[] = [];
  for await (const model of openai.models.list()) shim.push(model.id);
  const transport = createConnectTransport({ baseUrl: harness.gateway.url, httpVersion: '1.1', interceptors: [(next) => (request) => (request.header.set('authorization', `Bearer ${secret}`), next(request))] });
  const infos = (await createClient(CompletionService, transport).listModels({})).models;
  const rpc = infos.map((model) => model.id);
  return { shim, rpc, openai, secret, kindOf: (id: string) => infos.find((model) => model.id === id)?.kind };
}

beforeAll(async () => {
  harness = await startRoutingHarness();
  await provider('east', [{ upstreamModel: 'ok-east', alias: 'shared-model' }, { upstreamModel: 'ok-front', alias: 'front-door' }]);
  await provider('west', [{ upstreamModel: 'ok-west', alias: 'shared-model' }]);
  // A route named like east's alias: requests for "front-door" take the route.
  await harness.createRoute('front-door', 'priority', ['ok-c']);
  // Bare upstream ids: ok-twin is served by two providers, ok-shade is also a route's name.
  await provider('north', [{ upstreamModel: 'ok-north' }, { upstreamModel: 'ok-twin' }, { upstreamModel: 'ok-shade' }]);
  await provider('south', [{ upstreamModel: 'ok-twin' }]);
  await harness.createRoute('ok-shade', 'priority', ['ok-c']);
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

describe('bare upstream ids', () => {
  const hi = [{ role: 'user' as const, content: 'Hi' }];

  it('are listed when they mean that model for the key, as a request takes them', async () => {
    const { shim, rpc, openai, kindOf } = await listsFor([]);
    for (const ids of [shim, rpc]) {
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expect.arrayContaining(['ok-east', 'ok-west', 'ok-front', 'ok-north', 'ok-c', 'north/ok-twin', 'south/ok-twin']));
      expect(ids).not.toContain('ok-twin'); // two providers serve it: a request gets "ambiguous"
    }
    expect(rpc).toEqual(shim);
    expect(kindOf('ok-north')).toBe('model');
    expect(kindOf('ok-shade')).toBe('route'); // the route of that name, not north's model
    const answer = await openai.chat.completions.create({ model: 'ok-north', messages: hi }).withResponse();
    expect(answer.response.headers.get('x-gateway-provider')).toBe('north');
  });

  it('are listed for a key that may use only one of the models sharing it', async () => {
    const { shim, rpc, openai } = await listsFor(['north/*']);
    for (const ids of [shim, rpc]) {
      expect([...ids].sort()).toEqual(['north/ok-north', 'north/ok-shade', 'north/ok-twin', 'ok-north', 'ok-twin']);
    }
    const answer = await openai.chat.completions.create({ model: 'ok-twin', messages: hi }).withResponse();
    expect(answer.response.headers.get('x-gateway-provider')).toBe('north');
  });

  it('every listed id answers GET /v1/models/{id} (openai and Anthropic SDKs) and /v1beta/models/{id} (@google/genai)', async () => {
    const { shim, openai, secret } = await listsFor(['north/*', 'east/ok-east']);
    expect(shim).toEqual(expect.arrayContaining(['ok-east', 'ok-north', 'ok-twin']));
    const anthropic = new Anthropic({ baseURL: harness.gateway.url, apiKey: secret, maxRetries: 0 });
    const gemini = new GoogleGenAI({ apiKey: secret, apiVersion: 'v1beta', httpOptions: { baseUrl: harness.gateway.url, retryOptions: { attempts: 1 } } });
    for (const id of shim) {
      expect((await openai.models.retrieve(id)).id, id).toBe(id);
      expect((await anthropic.models.retrieve(id)).id, id).toBe(id);
      expect((await gemini.models.get({ model: id })).name, id).toBe(`models/${id}`);
    }
    // What is not listed stays a 404 on each: a model this key may not use, by either name.
    await expect(openai.models.retrieve('ok-west')).rejects.toMatchObject({ status: 404 });
    await expect(anthropic.models.retrieve('ok-west')).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    await expect(gemini.models.get({ model: 'ok-west' })).rejects.toMatchObject({ status: 404 });
  });
});
