// A plan checks every reference it writes or breaks before the first write, so
// a file the gateway would refuse partway (a route to a provider nobody
// declares, a prune that deletes what a route still uses) changes nothing and
// names each problem with its line. A file that moves a route off a model and
// drops that model in the same apply still applies: the model goes last.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminClients } from '../../src/declarative/admin-clients.js';
import { applyPlan } from '../../src/declarative/apply-plan.js';
import { ConfigFileError } from '../../src/declarative/config-file-error.js';
import { planConfig } from '../../src/declarative/plan.js';
import { parseConfigText } from '../../src/declarative/read-config-file.js';
import { connectAdminClients } from '../helpers/admin-clients.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';

const provider = (models: string[], name = 'Local') => `
providers:
  - id: local
    name: ${name}
    type: openai_compatible
    base_url: http://127.0.0.1:9/v1
    models: [${models.map((model) => `{ upstream_model: ${model} }`).join(', ')}]
`;
const route = (model: string) => `
  - name: chat
    strategy: priority
    targets: [{ provider_id: local, upstream_model: ${model} }]
`;
const check = (model: string) => `
health_checks:
  - { name: chat-model, provider_id: local, upstream_model: ${model}, enabled: false }
`;

let gateway: StartedGateway;
let clients: AdminClients;

beforeAll(async () => {
  gateway = await startGateway({ GATEWAY_ADMIN_TOKEN: 'gw-admin-plan-references-0123456789abcdef' });
  clients = connectAdminClients(gateway.url, gateway.adminToken);
});
afterAll(async () => {
  await gateway?.close();
});

const plan = (text: string) => planConfig(parseConfigText(text, 'gateway.yaml'), clients, { environment: {} });
const problemsOf = async (text: string) => {
  const error = await plan(text).then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(ConfigFileError);
  return (error as ConfigFileError).message.split('\n');
};
const providerName = async () => (await clients.providers.getProvider({ id: 'local' })).provider!.name;

describe('the references of a plan', () => {
  it('refuses before the first write what the gateway would refuse partway', async () => {
    await applyPlan(await plan(`${provider(['m1', 'm2'])}routes:${route('m1')}${check('m1')}`));

    // The provider's rename comes first in the plan: the gateway would make it, then refuse the route.
    const orphan = `${provider(['m1', 'm2'], 'Renamed')}routes:${route('m1')}  - name: orphan\n    strategy: priority\n    targets:\n      - { provider_id: nobody, upstream_model: x }\n`;
    expect(await problemsOf(orphan)).toEqual(['gateway.yaml:15:9: routes[1].targets[0]: no provider "nobody" (the gateway has none, and the file declares none)']);
    expect(await providerName()).toBe('Local');

    // Prune deletes what the file does not name: here the provider the route (not in the file) uses.
    expect(await problemsOf('providers: []\nprune: true\n')).toEqual([
      'gateway.yaml:2:1: prune: route "chat", which the file does not declare, would be left pointing at nothing: provider "local" is deleted by this file (prune)',
      'gateway.yaml:2:1: prune: health check "chat-model", which the file does not declare, would be left pointing at nothing: provider "local" is deleted by this file (prune)',
    ]);
    // Dropping the model the route uses, without moving the route.
    expect(await problemsOf(`${provider(['m2'], 'Renamed')}routes:${route('m1')}`)).toEqual([
      'gateway.yaml:11:15: routes[0].targets[0]: provider "local" will not list the model "m1"',
      'gateway.yaml:7:5: providers[0].models: health check "chat-model", which the file does not declare, would be left pointing at nothing: provider "local" will not list the model "m1"',
    ]);
    expect(await providerName()).toBe('Local');
  });

  it('moves a route and its health check off a model and drops the model in one apply', async () => {
    const moved = await plan(`${provider(['m2'])}routes:${route('m2')}${check('m2')}`);
    expect(moved.steps.map((step) => `${step.change.kind} ${step.change.name} ${step.change.fields.join(',')}`)).toEqual([
      'route chat targets',
      'health_check chat-model upstream_model',
      'provider local models',
    ]);
    await applyPlan(moved);
    expect((await clients.providers.getProvider({ id: 'local' })).provider!.models.map((model) => model.upstreamModel)).toEqual(['m2']);
  });
});
