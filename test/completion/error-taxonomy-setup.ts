// The error-taxonomy matrix's world: a real listening gateway, one fixture
// upstream per provider family (each answering `fault-<fault>--<tag>` models
// with that fault in its own wire format, test/fixtures/wire-faults.ts), one
// provider per family on a closed port (connection refused), routes for the
// conditions that need one (a short attempt timeout; a healthy second target
// for failover), a virtual key, and the three clients: the official openai
// and Anthropic SDKs on the REST shims and connect-node on CompletionService.
// Every cell gets its own model (the tag), so circuit breakers never mix cells.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { createClient, type Client } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import OpenAI from 'openai';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import type { ProviderFamily } from '../fixtures/scenarios.js';
import { faultModel, WIRE_FAULTS } from '../fixtures/wire-faults.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { AZURE_API_VERSION, startFixture } from './matrix-setup.js';
import { adminCaller } from '../helpers/admin-call.js';

export type Surface = 'openai' | 'anthropic' | 'connect';
export type Mode = 'unary' | 'stream';
export const SURFACES: Surface[] = ['openai', 'anthropic', 'connect'];

/** The tags a fault model is registered under: one per surface and mode, and two for the failover routes. */
export const cellTag = (surface: Surface | 'failover', mode: Mode): string => `${surface}-${mode}`;
const TAGS = [...SURFACES, 'failover' as const].flatMap((surface) => (['unary', 'stream'] as Mode[]).map((mode) => cellTag(surface, mode)));

/** For routes whose only target never answers: short, to keep the matrix fast. */
export const SHORT_ATTEMPT_TIMEOUT = '0.5s';
/** For routes whose healthy second target must answer in time on a busy two-core machine. */
export const FAILOVER_ATTEMPT_TIMEOUT = '2s';
/** The healthy model every fixture serves (a scenario), the failover routes' second target. */
export const HEALTHY_MODEL = 'plain-text';

const PROVIDER_TYPES: Record<ProviderFamily, string> = {
  openai: 'PROVIDER_TYPE_OPENAI',
  'azure-openai': 'PROVIDER_TYPE_AZURE_OPENAI',
  'openai-compatible': 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
  anthropic: 'PROVIDER_TYPE_ANTHROPIC',
  gemini: 'PROVIDER_TYPE_GEMINI',
};

export interface TaxonomyWorld {
  gateway: StartedGateway;
  openai: OpenAI;
  anthropic: Anthropic;
  rpc: Client<typeof CompletionService>;
  admin(method: string, body: object): Promise<Record<string, unknown>>;
  /** A priority route without retries; `attemptTimeout` as a Duration string, the route default when absent. */
  createRoute(name: string, targets: Array<{ providerId: string; upstreamModel: string }>, attemptTimeout?: string): Promise<void>;
  close(): Promise<void>;
}

/** The provider that answers every call with "connection refused". */
export const refusedProvider = (family: ProviderFamily): string => `${family}-refused`;

export async function startTaxonomyWorld(families: readonly ProviderFamily[]): Promise<TaxonomyWorld> {
  const gateway = await startGateway();
  const fixtures: FixtureUpstream[] = [];
  const admin = adminCaller(gateway.url, gateway.adminToken);
  const closedPort = await freePort();
  const models = [HEALTHY_MODEL, ...WIRE_FAULTS.flatMap((fault) => TAGS.map((tag) => faultModel(fault, tag)))];
  try {
    await Promise.all(
      families.map(async (family) => {
        const fixture = await startFixture(family);
        fixtures.push(fixture);
        const common = {
          type: PROVIDER_TYPES[family],
          apiKey: fixture.apiKey,
          models: models.map((upstreamModel) => ({ upstreamModel })),
          ...(family === 'azure-openai' ? { azure: { apiVersion: AZURE_API_VERSION } } : {}),
        };
        await admin('ProvidersService/CreateProvider', { id: family, name: `Fixture ${family}`, baseUrl: fixture.baseUrl, ...common });
        // The same provider type on a port nobody listens on.
        const refusedUrl = fixture.baseUrl.replace(/:\d+/, `:${closedPort}`);
        await admin('ProvidersService/CreateProvider', { id: refusedProvider(family), name: `Refused ${family}`, baseUrl: refusedUrl, ...common });
      }),
    );
  } catch (error) {
    for (const fixture of fixtures) await fixture.close();
    await gateway.close();
    throw error;
  }
  const secret = String((await admin('KeysService/CreateKey', { name: 'taxonomy' }))['secret']);
  const transport = createConnectTransport({
    baseUrl: gateway.url,
    httpVersion: '1.1',
    interceptors: [
      (next) => (request) => {
        request.header.set('authorization', `Bearer ${secret}`);
        return next(request);
      },
    ],
  });
  return {
    gateway,
    // No client retries: each cell sees the gateway's first answer.
    openai: new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: secret, maxRetries: 0 }),
    anthropic: new Anthropic({ baseURL: gateway.url, apiKey: secret, maxRetries: 0 }),
    rpc: createClient(CompletionService, transport),
    admin,
    async createRoute(name, targets, attemptTimeout) {
      await admin('RoutesService/CreateRoute', {
        name,
        strategy: 'ROUTE_STRATEGY_PRIORITY',
        targets,
        settings: { maxRetries: 0, backoffBase: '0.01s', backoffCap: '0.02s', ...(attemptTimeout === undefined ? {} : { attemptTimeout }) },
      });
    },
    async close() {
      for (const fixture of fixtures) await fixture.close();
      await gateway.close();
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
