// ProvidersService through Connect's in-memory transport: every provider
// type, validation, partial updates, and the API key sealed and never returned.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { toJsonString, type MessageInitShape } from '@bufbuild/protobuf';
import {
  CreateProviderRequestSchema,
  ListProvidersResponseSchema,
  ProvidersService,
  ProviderType,
} from '../../gen/llmgateway/v1/providers_service_pb.js';
import { providerKeyContext } from '../../src/core/secrets/provider-key-context.js';
import { adminHeaders, createInMemoryServices, type InMemoryServices } from '../helpers/in-memory-services.js';

const OPENAI_KEY = 'sk-test-openai-0123456789abcdefWXYZ';

async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('expected the call to fail');
}

describe('ProvidersService', () => {
  let services: InMemoryServices;
  let providers: Client<typeof ProvidersService>;
  const options = { headers: adminHeaders };
  const createProvider = (request: MessageInitShape<typeof CreateProviderRequestSchema>) =>
    providers.createProvider(request, options);

  beforeEach(async () => {
    services = await createInMemoryServices();
    providers = createClient(ProvidersService, services.transport);
  });
  afterEach(() => services.close());

  it('creates each provider type with its own settings', async () => {
    const openai = await createProvider({
      name: 'OpenAI main',
      type: ProviderType.OPENAI,
      apiKey: OPENAI_KEY,
      models: [{ upstreamModel: 'gpt-4o', alias: 'smart', prices: { inputPerMillion: 2.5, outputPerMillion: 10 } }],
    });
    expect(openai.provider?.id).toBe('openai-main');
    expect(openai.provider?.apiKeyLast4).toBe('WXYZ');
    expect(openai.provider?.models[0]).toMatchObject({ upstreamModel: 'gpt-4o', alias: 'smart', enabled: true });

    const azure = await createProvider({
      id: 'azure-eu',
      name: 'Azure EU',
      type: ProviderType.AZURE_OPENAI,
      baseUrl: 'https://my-resource.openai.azure.com/',
      apiKey: 'azure-key-0123456789abcdef',
      azure: { apiVersion: '2024-10-21' },
      models: [{ upstreamModel: 'gpt-4o', deployment: 'gpt4o-prod' }, { upstreamModel: 'gpt-4o-mini' }],
    });
    expect(azure.provider?.baseUrl).toBe('https://my-resource.openai.azure.com');
    expect(azure.provider?.azure?.apiVersion).toBe('2024-10-21');
    expect(azure.provider?.models.map((model) => model.deployment)).toEqual(['gpt4o-prod', 'gpt-4o-mini']);

    const local = await createProvider({
      name: 'Local vLLM',
      type: ProviderType.OPENAI_COMPATIBLE,
      baseUrl: 'http://127.0.0.1:8000/v1',
      extraHeaders: { 'X-Team': 'research' },
      models: [{ upstreamModel: 'meta-llama/Llama-3.1-8B-Instruct', alias: 'llama' }],
    });
    expect(local.provider?.apiKeyLast4).toBe('');
    expect(local.provider?.extraHeaders).toEqual({ 'X-Team': 'research' });

    await createProvider({ name: 'Anthropic', type: ProviderType.ANTHROPIC, apiKey: 'sk-ant-test-0123456789abcdef' });
    await createProvider({ name: 'Gemini', type: ProviderType.GEMINI, apiKey: 'gemini-test-key-0123456789' });

    const all = await providers.listProviders({}, options);
    expect(all.providers.map((provider) => provider.id).sort()).toEqual(
      ['anthropic', 'azure-eu', 'gemini', 'local-vllm', 'openai-main'].sort(),
    );
    const onlyGemini = await providers.listProviders({ type: ProviderType.GEMINI }, options);
    expect(onlyGemini.providers.map((provider) => provider.id)).toEqual(['gemini']);
  });

  it('seals the API key with AES-GCM and never returns it', async () => {
    const created = await createProvider({ name: 'OpenAI', type: ProviderType.OPENAI, apiKey: OPENAI_KEY });
    const listed = await providers.listProviders({}, options);
    expect(toJsonString(ListProvidersResponseSchema, listed)).not.toContain(OPENAI_KEY.slice(0, 20));
    const stored = await services.storage.providers.get(created.provider!.id);
    expect(stored?.apiKeyCiphertext).toMatch(/^gw1:[0-9a-f]{12}:/);
    expect(JSON.stringify(stored)).not.toContain(OPENAI_KEY);
    expect(services.keyRing.decrypt(stored!.apiKeyCiphertext, providerKeyContext('openai'))).toBe(OPENAI_KEY);
    // Bound to its provider: the same ciphertext does not open under another id.
    expect(() => services.keyRing.decrypt(stored!.apiKeyCiphertext, providerKeyContext('other'))).toThrow();
  });

  it('validates input and names the field', async () => {
    const cases: Array<[MessageInitShape<typeof CreateProviderRequestSchema>, string]> = [
      [{ name: 'x', apiKey: 'k'.repeat(20) }, 'type'],
      [{ name: '', type: ProviderType.OPENAI, apiKey: OPENAI_KEY }, 'name'],
      [{ name: 'x', type: ProviderType.OPENAI }, 'api_key'],
      [{ name: 'x', type: ProviderType.OPENAI, apiKey: OPENAI_KEY, id: 'Bad Id' }, 'id'],
      [{ name: 'x', type: ProviderType.OPENAI_COMPATIBLE }, 'base_url'],
      [{ name: 'x', type: ProviderType.AZURE_OPENAI, apiKey: OPENAI_KEY }, 'base_url'],
      [{ name: 'x', type: ProviderType.OPENAI, apiKey: OPENAI_KEY, baseUrl: 'ftp://example' }, 'base_url'],
      [{ name: 'x', type: ProviderType.OPENAI, apiKey: OPENAI_KEY, baseUrl: 'https://user:pw@host' }, 'base_url'],
      [{ name: 'x', type: ProviderType.OPENAI, apiKey: OPENAI_KEY, extraHeaders: { Authorization: 'x' } }, 'extra_headers'],
      [{ name: 'x', type: ProviderType.OPENAI, apiKey: OPENAI_KEY, extraHeaders: { 'bad header': 'x' } }, 'extra_headers'],
      // Cannot be sent in an HTTP header: refused when saved, not failing every completion later.
      [{ name: 'x', type: ProviderType.OPENAI, apiKey: 'sk-…' }, 'api_key: must be visible ASCII characters only: position 4 is U+2026'],
      [{ name: 'x', type: ProviderType.OPENAI, apiKey: 'sk-abc\u00a0def-0123456789' }, 'api_key: must be visible ASCII characters only: position 7 is U+00A0'],
      [{ name: 'x', type: ProviderType.OPENAI, apiKey: OPENAI_KEY, extraHeaders: { 'x-team': 'café' } }, 'extra_headers["x-team"]: must be visible ASCII characters only: it contains U+00E9'],
      [{ name: 'x', type: ProviderType.OPENAI, apiKey: OPENAI_KEY, extraHeaders: { 'x-team': 'a\nb' } }, 'extra_headers["x-team"]'],
      [{ name: 'x', type: ProviderType.OPENAI, apiKey: OPENAI_KEY, models: [{ upstreamModel: '' }] }, 'models[0].upstream_model'],
      [
        { name: 'x', type: ProviderType.OPENAI, apiKey: OPENAI_KEY, models: [{ upstreamModel: 'a' }, { upstreamModel: 'b', alias: 'a' }] },
        'models[1]',
      ],
      [
        { name: 'x', type: ProviderType.OPENAI, apiKey: OPENAI_KEY, models: [{ upstreamModel: 'a', prices: { inputPerMillion: -1 } }] },
        'models[0].prices.input_per_million',
      ],
      [{ name: 'x', type: ProviderType.OPENAI, apiKey: OPENAI_KEY, models: [{ upstreamModel: 'a', deployment: 'd' }] }, 'deployment'],
      [{ name: 'x', type: ProviderType.OPENAI, apiKey: OPENAI_KEY, azure: { apiVersion: '2024-10-21' } }, 'azure'],
    ];
    for (const [request, field] of cases) {
      const error = await failure(createProvider(request));
      expect(error.code, field).toBe(Code.InvalidArgument);
      expect(error.rawMessage, field).toContain(field);
      expect(error.rawMessage).not.toContain(OPENAI_KEY);
    }
  });

  it('refuses a duplicate id, unknown ids and a missing admin token', async () => {
    await createProvider({ name: 'OpenAI', type: ProviderType.OPENAI, apiKey: OPENAI_KEY });
    expect((await failure(createProvider({ name: 'OpenAI', type: ProviderType.OPENAI, apiKey: OPENAI_KEY }))).code).toBe(
      Code.AlreadyExists,
    );
    expect((await failure(providers.getProvider({ id: 'nope' }, options))).code).toBe(Code.NotFound);
    expect((await failure(providers.deleteProvider({ id: 'nope' }, options))).code).toBe(Code.NotFound);
    expect((await failure(providers.listProviders({}))).code).toBe(Code.Unauthenticated);
  });

  it('updates partially and re-seals a new API key', async () => {
    const { provider } = await createProvider({
      name: 'OpenAI',
      type: ProviderType.OPENAI,
      apiKey: OPENAI_KEY,
      extraHeaders: { 'OpenAI-Organization': 'org-1' },
      models: [{ upstreamModel: 'gpt-4o' }],
    });
    const renamed = await providers.updateProvider({ id: provider!.id, name: 'OpenAI prod', enabled: false }, options);
    expect(renamed.provider).toMatchObject({ name: 'OpenAI prod', enabled: false, apiKeyLast4: 'WXYZ' });
    expect(renamed.provider?.models.map((model) => model.upstreamModel)).toEqual(['gpt-4o']);

    const newKey = 'sk-test-rotated-0123456789abcdefQRST';
    const rekeyed = await providers.updateProvider({ id: provider!.id, apiKey: newKey }, options);
    expect(rekeyed.provider?.apiKeyLast4).toBe('QRST');
    const stored = await services.storage.providers.get(provider!.id);
    expect(services.keyRing.decrypt(stored!.apiKeyCiphertext, providerKeyContext(provider!.id))).toBe(newKey);

    const cleared = await providers.updateProvider({ id: provider!.id, updateMask: { paths: ['extra_headers', 'models'] } }, options);
    expect(cleared.provider?.extraHeaders).toEqual({});
    expect(cleared.provider?.models).toEqual([]);
    expect((await failure(providers.updateProvider({ id: provider!.id, updateMask: { paths: ['type'] } }, options))).code).toBe(
      Code.InvalidArgument,
    );

    await providers.deleteProvider({ id: provider!.id }, options);
    expect((await failure(providers.getProvider({ id: provider!.id }, options))).code).toBe(Code.NotFound);
  });

  it('paginates without gaps or repeats', async () => {
    for (let index = 0; index < 5; index += 1) {
      await createProvider({ name: `p${index}`, type: ProviderType.OPENAI, apiKey: OPENAI_KEY });
    }
    const ids: string[] = [];
    let pageToken = '';
    do {
      const page = await providers.listProviders({ pageSize: 2, pageToken }, options);
      ids.push(...page.providers.map((provider) => provider.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(ids).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
  });
});

