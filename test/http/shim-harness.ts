// A real listening gateway with fixture upstreams registered as providers
// (one per family, id = family, every scenario + slow-stream + embedding-model
// as a model), a virtual key, and the official openai client pointed at the
// shim (`${gateway.url}/v1`).
import OpenAI from 'openai';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { SCENARIOS, type ProviderFamily } from '../fixtures/scenarios.js';
import { startFixture } from '../completion/matrix-setup.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

export interface ShimHarness {
  gateway: StartedGateway;
  fixtures: Map<ProviderFamily, FixtureUpstream>;
  fixture(family: ProviderFamily): FixtureUpstream;
  secret: string;
  /** The official client; no retries, so error tests see the first answer. */
  client: OpenAI;
  clientWith(options: ConstructorParameters<typeof OpenAI>[0]): OpenAI;
  /** fetch against the gateway with the virtual key. */
  post(path: string, body: string | object, headers?: Record<string, string>): Promise<Response>;
  admin(method: string, body: object): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

const PROVIDER_TYPES: Partial<Record<ProviderFamily, string>> = {
  openai: 'PROVIDER_TYPE_OPENAI',
  'openai-compatible': 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
  anthropic: 'PROVIDER_TYPE_ANTHROPIC',
  gemini: 'PROVIDER_TYPE_GEMINI',
};

/** The scenarios' weather tool, in OpenAI's request shape. */
export const weatherTool: OpenAI.Chat.Completions.ChatCompletionFunctionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
      required: ['city'],
      additionalProperties: false,
    },
  },
};

export const MODEL_NAMES = [...SCENARIOS.map((scenario) => scenario.name), 'slow-stream', 'embedding-model'];

export async function startShimHarness(families: ProviderFamily[], environment: Record<string, string> = {}): Promise<ShimHarness> {
  // The production default (info): requests take the path they take in production, chat before
  // Fastify (src/http/openai/chat-intake.ts). A test that reads Fastify's request lines asks for debug.
  const gateway = await startGateway({ GATEWAY_LOG_LEVEL: 'info', ...environment });
  const fixtures = new Map<ProviderFamily, FixtureUpstream>();
  const admin = async (method: string, body: object): Promise<Record<string, unknown>> => {
    const response = await fetch(`${gateway.url}/llmgateway.v1.${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.adminToken}` },
      body: JSON.stringify(body),
    });
    if (response.status !== 200) throw new Error(`${method}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  try {
    for (const family of families) {
      const fixture = await startFixture(family);
      fixtures.set(family, fixture);
      await admin('ProvidersService/CreateProvider', {
        id: family,
        name: `Fixture ${family}`,
        type: PROVIDER_TYPES[family],
        baseUrl: fixture.baseUrl,
        apiKey: fixture.apiKey,
        models: MODEL_NAMES.map((upstreamModel) => ({ upstreamModel })),
      });
    }
  } catch (error) {
    for (const fixture of fixtures.values()) await fixture.close();
    await gateway.close();
    throw error;
  }
  const secret = String((await admin('KeysService/CreateKey', { name: 'openai-shim' }))['secret']);
  const clientWith = (options: ConstructorParameters<typeof OpenAI>[0]) =>
    new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: secret, maxRetries: 0, ...options });
  return {
    gateway,
    fixtures,
    fixture(family) {
      const fixture = fixtures.get(family);
      if (!fixture) throw new Error(`no ${family} fixture`);
      return fixture;
    },
    secret,
    client: clientWith({}),
    clientWith,
    post: (path, body, headers = {}) =>
      fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    admin,
    async close() {
      for (const fixture of fixtures.values()) await fixture.close();
      await gateway.close();
    },
  };
}

/** A priority route trying the Anthropic fixture's model first, then the OpenAI one's (families that differ in what they can serve). */
export async function createClaudeThenOpenAIRoute(harness: ShimHarness, name: string): Promise<void> {
  await harness.admin('RoutesService/CreateRoute', {
    name,
    strategy: 'ROUTE_STRATEGY_PRIORITY',
    targets: [
      { providerId: 'anthropic', upstreamModel: 'plain-text' },
      { providerId: 'openai', upstreamModel: 'plain-text' },
    ],
  });
}

/** The request-log rows of a key, once there are at least `count` (rows are written behind the answers). */
export async function keyRows<Row>(harness: ShimHarness, keyId: string, count: number): Promise<Row[]> {
  for (let tries = 0; tries < 100; tries += 1) {
    const rows = ((await harness.admin('UsageService/ListRequests', { filter: { keyId } })) as { requests?: Row[] }).requests ?? [];
    if (rows.length >= count) return rows;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`fewer than ${count} request-log rows for ${keyId}`);
}

export async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
