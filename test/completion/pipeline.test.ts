// The completion pipeline around the adapters: model resolution, a key's
// allowed models, listing, token counting, embeddings and the provider probes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { KeysService } from '../../gen/llmgateway/v1/keys_service_pb.js';
import { ProvidersService, ProviderType } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { adminHeaders, createInMemoryServices, type InMemoryServices } from '../helpers/in-memory-services.js';
import { registerFixtureProvider, startFixture } from './matrix-setup.js';

let services: InMemoryServices;
let completion: Client<typeof CompletionService>;
let providers: Client<typeof ProvidersService>;
let keys: Client<typeof KeysService>;
let openai: FixtureUpstream;
let anthropic: FixtureUpstream;
let gemini: FixtureUpstream;
const admin = { headers: adminHeaders };

const hello = (model: string) => ({
  chat: { model, messages: [{ role: Role.USER, content: [{ kind: { case: 'text' as const, value: { text: 'Say hello' } } }] }] },
});
const withKey = (secret: string) => ({ headers: { authorization: `Bearer ${secret}` } });

async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  services = await createInMemoryServices();
  completion = createClient(CompletionService, services.transport);
  providers = createClient(ProvidersService, services.transport);
  keys = createClient(KeysService, services.transport);
  [openai, anthropic, gemini] = await Promise.all([startFixture('openai'), startFixture('anthropic'), startFixture('gemini')]);
  for (const fixture of [openai, anthropic, gemini]) await registerFixtureProvider(services, fixture);
  // A second OpenAI provider serving `plain-text` too (ambiguity) and an alias.
  await providers.createProvider(
    {
      id: 'openai-backup',
      name: 'Backup',
      type: ProviderType.OPENAI,
      baseUrl: openai.baseUrl,
      apiKey: openai.apiKey,
      models: [{ upstreamModel: 'plain-text' }, { upstreamModel: 'multi-turn', alias: 'friendly' }, { upstreamModel: 'max-tokens', enabled: false }],
    },
    admin,
  );
});

afterAll(async () => {
  for (const fixture of [openai, anthropic, gemini]) await fixture?.close();
  await services?.close();
});

describe('model resolution', () => {
  it('sends the resolved upstream model, never the client string', async () => {
    const { secret } = await keys.createKey({ name: 'any' }, admin);
    const before = openai.received.length;
    const answer = await completion.complete(hello('friendly'), withKey(secret));
    expect(answer.response?.route).toMatchObject({ providerId: 'openai-backup', upstreamModel: 'multi-turn' });
    expect(answer.response?.model).toBe('friendly');
    const sent = openai.received.slice(before).find((request) => request.normalized);
    expect(sent?.normalized?.model).toBe('multi-turn');
  });

  it('refuses an ambiguous bare name, listing the candidates', async () => {
    const { secret } = await keys.createKey({ name: 'any' }, admin);
    const error = await failure(completion.complete(hello('plain-text'), withKey(secret)));
    expect(error.code).toBe(Code.InvalidArgument);
    expect(error.rawMessage).toContain('openai/plain-text');
    expect(error.rawMessage).toContain('openai-backup/plain-text');
    const explicit = await completion.complete(hello('openai-backup/plain-text'), withKey(secret));
    expect(explicit.response?.route?.providerId).toBe('openai-backup');
  });

  it('a restricted key\'s bare name means the one candidate it may use; an ambiguity lists only models it may use', async () => {
    const backupOnly = await keys.createKey({ name: 'backup only', allowedModels: ['openai-backup/*'] }, admin);
    expect((await completion.complete(hello('plain-text'), withKey(backupOnly.secret))).response?.route?.providerId).toBe('openai-backup');
    const bound = await keys.createKey({ name: 'bound to one model', allowedModels: ['anthropic/plain-text'] }, admin);
    expect((await completion.complete(hello('plain-text'), withKey(bound.secret))).response?.route?.providerId).toBe('anthropic');
    const two = await keys.createKey({ name: 'two of three', allowedModels: ['openai/*', 'openai-backup/*'] }, admin);
    const ambiguous = await failure(completion.complete(hello('plain-text'), withKey(two.secret)));
    expect(ambiguous.code).toBe(Code.InvalidArgument);
    expect(ambiguous.rawMessage).toContain('openai-backup/plain-text');
    expect(ambiguous.rawMessage).not.toContain('anthropic'); // not the key's to see
    // None of the candidates: the answer of a model that does not exist, naming none of them.
    const other = await keys.createKey({ name: 'elsewhere', allowedModels: ['friendly'] }, admin);
    const refused = await failure(completion.complete(hello('plain-text'), withKey(other.secret)));
    expect(refused.code).toBe(Code.NotFound);
    expect(refused.rawMessage).not.toContain('openai');
  });

  it('does not offer disabled models or providers, and says so', async () => {
    const { secret } = await keys.createKey({ name: 'any' }, admin);
    expect((await failure(completion.complete(hello('openai-backup/max-tokens'), withKey(secret)))).code).toBe(Code.NotFound);
    expect((await failure(completion.complete(hello('no-such-model'), withKey(secret)))).code).toBe(Code.NotFound);
    await providers.updateProvider({ id: 'openai-backup', enabled: false }, admin);
    try {
      const disabled = await failure(completion.complete(hello('openai-backup/plain-text'), withKey(secret)));
      expect(disabled.code).toBe(Code.NotFound);
      expect(disabled.rawMessage).toContain('disabled');
      // Its alias is gone with it, and the bare name is no longer ambiguous with it.
      expect((await failure(completion.complete(hello('friendly'), withKey(secret)))).code).toBe(Code.NotFound);
      const ambiguous = await failure(completion.complete(hello('plain-text'), withKey(secret)));
      expect(ambiguous.rawMessage).not.toContain('openai-backup');
    } finally {
      await providers.updateProvider({ id: 'openai-backup', enabled: true }, admin);
    }
  });

  it("enforces the key's allowed-model patterns on the resolved model", async () => {
    const { secret } = await keys.createKey({ name: 'anthropic only', allowedModels: ['anthropic/*'] }, admin);
    expect((await completion.complete(hello('anthropic/plain-text'), withKey(secret))).response?.route?.providerId).toBe('anthropic');
    const refused = await failure(completion.complete(hello('openai/plain-text'), withKey(secret)));
    expect(refused.code).toBe(Code.NotFound);
    expect(refused.rawMessage).toBe('The model "openai/plain-text" does not exist or you do not have access to it.');
    // An alias cannot smuggle a model past the patterns.
    expect((await failure(completion.complete(hello('friendly'), withKey(secret)))).code).toBe(Code.NotFound);
    // A model that exists and one that does not get the same answer: the key cannot enumerate what is served.
    for (const [served, missing] of [['openai/plain-text', 'openai/no-such-model'], ['friendly', 'no-such-alias'], ['openai/plain-text', 'nobody/plain-text']]) {
      const forbidden = await failure(completion.complete(hello(served!), withKey(secret)));
      const absent = await failure(completion.complete(hello(missing!), withKey(secret)));
      expect([absent.code, absent.rawMessage.replace(missing!, 'M')]).toEqual([forbidden.code, forbidden.rawMessage.replace(served!, 'M')]);
    }
    const listed = await completion.listModels({}, withKey(secret));
    expect(listed.models.length).toBeGreaterThan(0);
    expect(listed.models.every((model) => model.providerId === 'anthropic')).toBe(true);
  });

  it("does not let a provider-scoped pattern match another provider's upstream name that has a slash (an aggregator's)", async () => {
    // OpenRouter-style names: `anthropic/plain-text` at provider `aggregator` is not provider anthropic's model.
    await providers.createProvider(
      { id: 'aggregator', name: 'Aggregator', type: ProviderType.OPENAI_COMPATIBLE, baseUrl: openai.baseUrl, apiKey: openai.apiKey, models: [{ upstreamModel: 'anthropic/plain-text', alias: 'anthropic/alias' }] },
      admin,
    );
    const { secret } = await keys.createKey({ name: 'anthropic only, with an aggregator about', allowedModels: ['anthropic/*'] }, admin);
    for (const model of ['aggregator/anthropic/plain-text', 'aggregator/anthropic/alias']) {
      const refused = await failure(completion.complete(hello(model), withKey(secret)));
      expect([refused.code, refused.rawMessage]).toEqual([Code.NotFound, `The model "${model}" does not exist or you do not have access to it.`]);
    }
    const listed = await completion.listModels({}, withKey(secret));
    expect(listed.models.map((model) => model.providerId)).not.toContain('aggregator');
    // Allowed by its own provider's pattern, it is served.
    // Globs: `*` stops at a slash, so all of a provider whose model ids have slashes is `aggregator/**`.
    const { secret: aggregatorKey } = await keys.createKey({ name: 'aggregator', allowedModels: ['aggregator/**'] }, admin);
    const served = await completion.listModels({}, withKey(aggregatorKey));
    expect(new Set(served.models.map((model) => `${model.providerId}/${model.upstreamModel}`))).toEqual(new Set(['aggregator/anthropic/plain-text']));
  });

  it('validates the request before calling anyone', async () => {
    const { secret } = await keys.createKey({ name: 'any' }, admin);
    const before = openai.received.length;
    const noMessages = await failure(completion.complete({ chat: { model: 'openai/plain-text' } }, withKey(secret)));
    expect(noMessages.code).toBe(Code.InvalidArgument);
    expect(noMessages.rawMessage).toContain('chat.messages');
    const badTemperature = await failure(completion.complete({ chat: { ...hello('openai/plain-text').chat, temperature: 7 } }, withKey(secret)));
    expect(badTemperature.rawMessage).toContain('chat.temperature');
    expect(openai.received.length).toBe(before);
  });
});

describe('tokens, embeddings, models', () => {
  it('counts tokens with the provider where it can, else with the tokenizer', async () => {
    const { secret } = await keys.createKey({ name: 'any' }, admin);
    const local = await completion.countTokens(hello('openai/plain-text'), withKey(secret));
    expect(local).toMatchObject({ estimated: true, method: 'tokenizer:o200k_base' });
    expect(local.inputTokens).toBeGreaterThan(3);
    const native = await completion.countTokens(hello('anthropic/plain-text'), withKey(secret));
    expect(native).toMatchObject({ estimated: false, method: 'provider:anthropic' });
    expect(native.inputTokens).toBeGreaterThan(0);
  });

  it('embeds through OpenAI and Gemini; Anthropic has none', async () => {
    const { secret } = await keys.createKey({ name: 'any' }, admin);
    for (const model of ['openai/embedding-model', 'gemini/embedding-model']) {
      const answer = await completion.embed({ model, inputs: ['first text', 'second text'] }, withKey(secret));
      expect(answer.embeddings.map((embedding) => embedding.index)).toEqual([0, 1]);
      expect(answer.embeddings[0]!.values.length).toBeGreaterThan(0);
      expect(answer.embeddings[0]!.values).not.toEqual(answer.embeddings[1]!.values);
    }
    expect((await failure(completion.embed({ model: 'anthropic/embedding-model', inputs: ['x'] }, withKey(secret)))).code).toBe(
      Code.InvalidArgument,
    );
  });

  it('takes per-input options for Gemini (one upstream call per taskType), and refuses a count that does not match the inputs', async () => {
    const { secret } = await keys.createKey({ name: 'per-input' }, admin);
    const from = gemini.received.length;
    const inputOptions: JsonObject[] = [{ taskType: 'RETRIEVAL_QUERY' }, { taskType: 'RETRIEVAL_DOCUMENT', title: 'Doc' }, { taskType: 'RETRIEVAL_QUERY' }];
    const answer = await completion.embed({ model: 'gemini/embedding-model', inputs: ['q one', 'a doc', 'q two'], inputOptions }, withKey(secret));
    const direct = await completion.embed({ model: 'gemini/embedding-model', inputs: ['q one', 'a doc', 'q two'] }, withKey(secret));
    expect(answer.embeddings.map((embedding) => embedding.values)).toEqual(direct.embeddings.map((embedding) => embedding.values));
    const calls = gemini.received.slice(from, from + 2).map((call) => (call.body as { requests: Array<{ taskType?: string }> }).requests.map((request) => request.taskType));
    expect(calls).toEqual([['RETRIEVAL_QUERY', 'RETRIEVAL_QUERY'], ['RETRIEVAL_DOCUMENT']]);

    const refused = await failure(completion.embed({ model: 'gemini/embedding-model', inputs: ['a', 'b'], inputOptions: [{ taskType: 'RETRIEVAL_QUERY' }] }, withKey(secret)));
    expect(refused.code).toBe(Code.InvalidArgument);
    expect(refused.rawMessage).toContain('input_options');
  });
});

describe('provider probes', () => {
  it('tests a provider with a real tiny call, and reports rejected credentials without the key', async () => {
    const ok = await providers.testProvider({ id: 'openai', upstreamModel: 'plain-text' }, admin);
    expect(ok).toMatchObject({ ok: true, upstreamModel: 'plain-text' });
    await providers.createProvider(
      { id: 'bad-key', name: 'Bad', type: ProviderType.OPENAI, baseUrl: openai.baseUrl, apiKey: 'sk-wrong-0123456789abcdef', models: [{ upstreamModel: 'plain-text' }] },
      admin,
    );
    const refused = await providers.testProvider({ id: 'bad-key' }, admin);
    expect(refused).toMatchObject({ ok: false, errorKind: 'failed_precondition', upstreamStatus: 401 });
    expect(refused.errorMessage).not.toContain('sk-wrong-0123456789abcdef');
    expect(refused.errorMessage).not.toContain('0123456789abcdef');
  });

  it('discovers the upstream model list, marking the configured ones', async () => {
    await providers.createProvider(
      { id: 'discover', name: 'Discover', type: ProviderType.OPENAI, baseUrl: openai.baseUrl, apiKey: openai.apiKey, models: [{ upstreamModel: 'plain-text' }] },
      admin,
    );
    const found = await providers.discoverModels({ id: 'discover' }, admin);
    const byName = new Map(found.models.map((model) => [model.upstreamModel, model.configured]));
    expect(byName.get('plain-text')).toBe(true);
    expect(byName.get('multi-turn')).toBe(false);
  });
});
