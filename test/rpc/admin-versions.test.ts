// Optimistic concurrency on the admin API, with connect-node against a real gateway: every resource
// answers its stored version on Create, Get, List and Update; an update that names the version it was
// computed from applies only while that is still the stored one (else ABORTED, nothing written); an
// update without one is applied as before (last write wins).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, ConnectError } from '@connectrpc/connect';
import { PromptRuleOperation, PromptRuleScope } from '../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import { ProviderType } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { RouteStrategy } from '../../gen/llmgateway/v1/routes_service_pb.js';
import type { AdminClients } from '../../src/declarative/admin-clients.js';
import { connectAdminClients } from '../helpers/admin-clients.js';
import { rejection } from '../helpers/rejection.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

/** What the test reads of a resource: its version and the one text field it edits. */
interface Seen {
  version: bigint;
  text: string;
}

interface Resource {
  kind: string;
  /** Creates the resource; its key. */
  create(clients: AdminClients): Promise<{ key: string; created: Seen }>;
  get(clients: AdminClients, key: string): Promise<Seen>;
  listed(clients: AdminClients, key: string): Promise<Seen>;
  /** Sets the edited field to `text`, with `expectedVersion` when given. */
  update(clients: AdminClients, key: string, text: string, expectedVersion?: bigint): Promise<Seen>;
}

const seen = (message: { version: bigint } | undefined, text: (message: never) => string): Seen => {
  if (!message) throw new Error('the answer has no resource');
  return { version: message.version, text: text(message as never) };
};
const named = (message: { name: string }) => message.name;
const described = (message: { description: string }) => message.description;
const only = <T>(items: T[], key: (item: T) => string, wanted: string): T | undefined => items.find((item) => key(item) === wanted);

const RESOURCES: Resource[] = [
  {
    kind: 'provider',
    async create(clients) {
      const answer = await clients.providers.createProvider({ id: 'versioned', name: 'p0', type: ProviderType.OPENAI, apiKey: 'sk-versioned-0123456789', models: [{ upstreamModel: 'm1' }] });
      return { key: 'versioned', created: seen(answer.provider, named) };
    },
    get: async (clients, id) => seen((await clients.providers.getProvider({ id })).provider, named),
    listed: async (clients, id) => seen(only((await clients.providers.listProviders({})).providers, (item) => item.id, id), named),
    update: async (clients, id, name, expectedVersion) =>
      seen((await clients.providers.updateProvider({ id, name, ...(expectedVersion === undefined ? {} : { expectedVersion }) })).provider, named),
  },
  {
    kind: 'key',
    async create(clients) {
      const answer = await clients.keys.createKey({ name: 'k0' });
      return { key: answer.key!.id, created: seen(answer.key, named) };
    },
    get: async (clients, id) => seen((await clients.keys.getKey({ id })).key, named),
    listed: async (clients, id) => seen(only((await clients.keys.listKeys({})).keys, (item) => item.id, id), named),
    update: async (clients, id, name, expectedVersion) =>
      seen((await clients.keys.updateKey({ id, name, ...(expectedVersion === undefined ? {} : { expectedVersion }) })).key, named),
  },
  {
    kind: 'route',
    async create(clients) {
      const answer = await clients.routes.createRoute({
        name: 'versioned-route', description: 'd0', strategy: RouteStrategy.PRIORITY, targets: [{ providerId: 'fixture', upstreamModel: 'm1' }],
      });
      return { key: 'versioned-route', created: seen(answer.route, described) };
    },
    get: async (clients, name) => seen((await clients.routes.getRoute({ name })).route, described),
    listed: async (clients, name) => seen(only((await clients.routes.listRoutes({})).routes, (item) => item.name, name), described),
    update: async (clients, name, description, expectedVersion) =>
      seen((await clients.routes.updateRoute({ name, description, ...(expectedVersion === undefined ? {} : { expectedVersion }) })).route, described),
  },
  {
    kind: 'prompt rule',
    async create(clients) {
      const answer = await clients.promptRules.createPromptRule({
        name: 'r0', scope: PromptRuleScope.ROUTE, scopeId: 'fixture-route', operation: PromptRuleOperation.PREPEND_SYSTEM, text: 'Be brief.',
      });
      return { key: answer.rule!.id, created: seen(answer.rule, named) };
    },
    get: async (clients, id) => seen((await clients.promptRules.getPromptRule({ id })).rule, named),
    listed: async (clients, id) => seen(only((await clients.promptRules.listPromptRules({})).rules, (item) => item.id, id), named),
    update: async (clients, id, name, expectedVersion) =>
      seen((await clients.promptRules.updatePromptRule({ id, name, ...(expectedVersion === undefined ? {} : { expectedVersion }) })).rule, named),
  },
  {
    kind: 'health check',
    async create(clients) {
      // Disabled: the check is only edited here, never run.
      const answer = await clients.healthChecks.createHealthCheck({ name: 'c0', enabled: false, providerId: 'fixture', upstreamModel: 'm1' });
      return { key: answer.check!.id, created: seen(answer.check, named) };
    },
    get: async (clients, id) => seen((await clients.healthChecks.getHealthCheck({ id })).check, named),
    listed: async (clients, id) => seen(only((await clients.healthChecks.listHealthChecks({})).checks, (item) => item.id, id), named),
    update: async (clients, id, name, expectedVersion) =>
      seen((await clients.healthChecks.updateHealthCheck({ id, name, ...(expectedVersion === undefined ? {} : { expectedVersion }) })).check, named),
  },
];

describe('admin updates with an expected version', () => {
  let started: StartedGateway;
  let clients: AdminClients;

  beforeAll(async () => {
    started = await startGateway();
    clients = connectAdminClients(started.url, started.adminToken);
    // What the routes, rules and checks refer to (never called: nothing here completes).
    await clients.providers.createProvider({ id: 'fixture', name: 'Fixture', type: ProviderType.OPENAI, apiKey: 'sk-fixture-0123456789', models: [{ upstreamModel: 'm1' }] });
    await clients.routes.createRoute({ name: 'fixture-route', strategy: RouteStrategy.PRIORITY, targets: [{ providerId: 'fixture', upstreamModel: 'm1' }] });
  });
  afterAll(() => started?.close());

  it.each(RESOURCES.map((resource) => [resource.kind, resource] as const))('%s: applies an update at the version read, refuses a stale one, and applies one without', async (kind, resource) => {
    const { key, created } = await resource.create(clients);
    const read = await resource.get(clients, key);
    expect(read).toEqual(created);
    expect(await resource.listed(clients, key)).toEqual(read);

    const first = await resource.update(clients, key, 'edited once', read.version);
    expect(first).toEqual({ version: read.version + 1n, text: 'edited once' });
    expect(await resource.get(clients, key)).toEqual(first);
    expect(await resource.listed(clients, key)).toEqual(first);

    // Another admin's update computed from the version before `first`: refused, and nothing written.
    const stale = ConnectError.from(await rejection(resource.update(clients, key, 'stale edit', read.version)));
    expect(stale.code).toBe(Code.Aborted);
    expect(stale.rawMessage).toBe(
      `${kind} "${key}" changed since it was read (expected version ${read.version}, stored version ${first.version}); read it again and reapply the change`,
    );
    expect(await resource.get(clients, key)).toEqual(first);

    // Without an expected version, as every client before versions: applied to whatever is stored.
    const unchecked = await resource.update(clients, key, 'last write wins');
    expect(unchecked).toEqual({ version: first.version + 1n, text: 'last write wins' });
    expect(await resource.get(clients, key)).toEqual(unchecked);
  });

  it('refuses an expected version no gateway could have answered', async () => {
    const failure = ConnectError.from(await rejection(clients.routes.updateRoute({ name: 'fixture-route', description: 'x', expectedVersion: -1n })));
    expect(failure.code).toBe(Code.InvalidArgument);
    expect(failure.rawMessage).toMatch(/^expected_version: /);
  });
});
