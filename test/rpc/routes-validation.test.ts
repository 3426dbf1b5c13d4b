// RoutesService validation: every rule names its field; references must
// exist; cycles and nesting deeper than 4 levels are refused at save time;
// a route another route targets cannot be deleted.
import { describe, expect, it } from 'vitest';
import { Code } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import { DurationSchema, durationFromMs } from '@bufbuild/protobuf/wkt';
import { AffinityScope, RouteStrategy } from '../../gen/llmgateway/v1/routes_service_pb.js';
import { ProviderType } from '../../gen/llmgateway/v1/providers_service_pb.js';
import {
  adminOptions,
  failure,
  model,
  useRoutesHarness,
  via,
  type RouteExtras,
  type SettingsInit,
  type TargetInit,
} from './routes-harness.js';

describe('RoutesService validation', () => {
  const harness = useRoutesHarness();

  const expectInvalid = async (promise: Promise<unknown>, field: string, also?: RegExp) => {
    const error = await failure(promise);
    expect(error.code, field).toBe(Code.InvalidArgument);
    expect(error.rawMessage, field).toContain(`${field}:`);
    if (also) expect(error.rawMessage).toMatch(also);
    return error;
  };

  it('names the field of each invalid route attribute and target', async () => {
    const ok = [model('p1', 'm1')];
    const cases: Array<[string, TargetInit[], RouteExtras, string]> = [
      ['', ok, {}, 'name'],
      ['has space', ok, {}, 'name'],
      ['/leading-slash', ok, {}, 'name'],
      ['wild*card', ok, {}, 'name'],
      [`r${'x'.repeat(200)}`, ok, {}, 'name'],
      ['r', ok, { description: 'd'.repeat(1001) }, 'description'],
      ['r', ok, { strategy: RouteStrategy.UNSPECIFIED }, 'strategy'],
      ['r', ok, { strategy: 99 as RouteStrategy }, 'strategy'],
      ['r', [], {}, 'targets'],
      ['r', Array.from({ length: 51 }, (_, index) => model('p1', `m${index}`)), {}, 'targets'],
      ['r', [{ providerId: 'p1', upstreamModel: 'm1', route: 'other' }], {}, 'targets[0]'],
      ['r', [{ weight: 3 }], {}, 'targets[0]'],
      ['r', [{ providerId: 'p1' }], {}, 'targets[0].upstream_model'],
      ['r', [{ upstreamModel: 'm1' }], {}, 'targets[0].provider_id'],
      ['r', [model('Bad Id', 'm1')], {}, 'targets[0].provider_id'],
      ['r', [model('p1', 'm1'), model('nope', 'm1')], {}, 'targets[1].provider_id'],
      ['r', [model('p1', 'm1'), model('p2', 'm1')], {}, 'targets[1].upstream_model'],
      ['r', [model('p1', 'm1'), via('missing')], {}, 'targets[1].route'],
      ['r', [via('bad name')], {}, 'targets[0].route'],
      ['r', [model('p1', 'm1', 1001)], {}, 'targets[0].weight'],
      ['r', [model('p1', 'm1'), model('p2', 'm2'), model('p1', 'm1', 3)], {}, 'targets[2]'],
    ];
    for (const [name, targets, extra, field] of cases) {
      await expectInvalid(harness.createRoute(name, targets, extra), field);
    }
    expect((await harness.routes.listRoutes({}, adminOptions)).routes).toEqual([]);
    expect(harness.services.routeChanges()).toBe(0);
  });

  it('names the setting that is out of range', async () => {
    const ms = durationFromMs;
    const cases: Array<[SettingsInit, string]> = [
      [{ maxRetries: 11 }, 'settings.max_retries'],
      [{ backoffCap: ms(60_001) }, 'settings.backoff_cap'],
      [{ backoffBase: ms(6_000) }, 'settings.backoff_base'], // above the default cap of 5 s
      [{ backoffBase: ms(2_000), backoffCap: ms(1_000) }, 'settings.backoff_base'],
      [{ backoffBase: create(DurationSchema, { seconds: -1n }) }, 'settings.backoff_base'],
      [{ backoffBase: create(DurationSchema, { seconds: 1n, nanos: -5 }) }, 'settings.backoff_base'],
      [{ attemptTimeout: ms(99) }, 'settings.attempt_timeout'],
      [{ attemptTimeout: ms(10 * 60_000 + 1) }, 'settings.attempt_timeout'],
      [{ attemptTimeout: ms(5 * 60_000) }, 'settings.total_deadline'], // above the default deadline of 3 min
      [{ attemptTimeout: ms(10_000), totalDeadline: ms(9_000) }, 'settings.total_deadline'],
      [{ totalDeadline: ms(30 * 60_000 + 1) }, 'settings.total_deadline'],
      [{ failoverStatuses: [200] }, 'settings.failover_statuses[0]'],
      [{ failoverStatuses: [429, 600] }, 'settings.failover_statuses[1]'],
      [{ affinityScope: 7 as AffinityScope }, 'settings.affinity_scope'],
      [{ affinityTtl: ms(24 * 3_600_000 + 1) }, 'settings.affinity_ttl'],
      [{ maxRetryAfter: ms(5 * 60_000 + 1) }, 'settings.max_retry_after'],
    ];
    for (const [settings, field] of cases) {
      await expectInvalid(harness.createRoute('r', [model('p1', 'm1')], { settings }), field);
    }
    await harness.createRoute('r', [model('p1', 'm1')]);
    await expectInvalid(harness.routes.updateRoute({ name: 'r', settings: { maxRetries: 11 } }, adminOptions), 'settings.max_retries');
  });

  it('refuses a failover status that could never fail over, saying why', async () => {
    for (const [status, kind] of [[400, 'invalid_argument'], [413, 'payload_too_large'], [422, 'invalid_argument'], [418, 'invalid_argument']] as const) {
      const error = await expectInvalid(harness.createRoute('r', [model('p1', 'm1')], { settings: { failoverStatuses: [503, status] } }), 'settings.failover_statuses[1]');
      expect(error.rawMessage).toContain(`${status} never fails over`);
      expect(error.rawMessage).toContain(`client's own error (${kind})`);
    }
    // These do fail over when listed (401–403 always do: the gateway's credentials at that provider; 404: a model one provider retired).
    const created = await harness.createRoute('r', [model('p1', 'm1')], { settings: { failoverStatuses: [401, 402, 403, 404, 408, 409, 429, 501] } });
    expect(created.route?.settings?.failoverStatuses).toEqual([401, 402, 403, 404, 408, 409, 429, 501]);
    await expectInvalid(harness.routes.updateRoute({ name: 'r', settings: { failoverStatuses: [400] } }, adminOptions), 'settings.failover_statuses[0]');
  });

  it('refuses a route named like a provider’s model address, and a provider whose addresses a route has taken', async () => {
    // "p1/m1" is how clients address p1's model m1 directly: a route may not take it (or any "p1/…") over.
    for (const name of ['p1/m1', 'p1/m9', 'p2/x/y']) {
      const error = await expectInvalid(harness.createRoute(name, [model('p3', 'm3')]), 'name');
      expect(error.rawMessage).toContain(`is an address of provider "${name.split('/')[0]}"`);
    }
    // A slash under no provider's id is still a route name (e.g. an OpenRouter-style "vendor/model").
    await harness.createRoute('vendor/m1', [model('p1', 'm1')]);
    const refused = await failure(
      harness.providers.createProvider({ id: 'vendor', name: 'Vendor', type: ProviderType.OPENAI, apiKey: 'sk-test-vendor-0123456789abcdef', models: [{ upstreamModel: 'm1' }] }, adminOptions),
    );
    expect(refused.code).toBe(Code.FailedPrecondition);
    expect(refused.rawMessage).toContain('route "vendor/m1" would take over the addresses of provider "vendor"');
    expect((await harness.routes.listRoutes({}, adminOptions)).routes.map((route) => route.name)).toEqual(['vendor/m1']);
  });

  it('refuses a route that targets itself, on create and on update', async () => {
    await expectInvalid(harness.createRoute('selfish', [model('p1', 'm1'), via('selfish')]), 'targets[1].route', /itself/);
    await harness.createRoute('selfish', [model('p1', 'm1')]);
    await expectInvalid(harness.retarget('selfish', [via('selfish')]), 'targets[0].route', /itself/);
  });

  it('refuses cycles at save time and names the path', async () => {
    await harness.createRoute('A', [model('p1', 'm1')]);
    await harness.createRoute('B', [via('A')]);
    await expectInvalid(harness.retarget('A', [model('p2', 'm2'), via('B')]), 'targets[1].route', /A → B → A/);

    await harness.createRoute('C', [via('B')]);
    await expectInvalid(harness.retarget('A', [via('C')]), 'targets[0].route', /A → C → B → A/);
    // Nothing was saved by the refused updates.
    const stored = await harness.services.storage.routes.get('A');
    expect(stored?.targets).toEqual([{ providerId: 'p1', upstreamModel: 'm1', route: '', weight: 1 }]);
    // Pointing at a route that does not lead back is fine.
    await harness.createRoute('D', [model('p3', 'm3')]);
    await harness.retarget('A', [via('D'), model('p1', 'm1')]);
  });

  it('limits nesting to 4 levels, counting the routes above the one being saved', async () => {
    await harness.createRoute('L1', [model('p1', 'm1')]);
    await harness.createRoute('L2', [via('L1')]);
    await harness.createRoute('L3', [via('L2')]);
    await harness.createRoute('L4', [model('p2', 'm2'), via('L3')]); // L4 → L3 → L2 → L1: four levels
    await expectInvalid(harness.createRoute('L5', [via('L4')]), 'targets[0].route', /5 levels deep \(L5 → L4 → L3 → L2 → L1\)/);

    // Deepening the bottom of a full chain makes the route at the top too deep.
    await harness.createRoute('extra', [model('p3', 'm3')]);
    const error = await expectInvalid(harness.retarget('L1', [via('extra')]), 'targets', /route "L4" uses this route/);
    expect(error.rawMessage).toContain('L4 → L3 → L2 → L1 → extra');
    // A shorter branch elsewhere does not matter.
    await harness.createRoute('side', [via('L1')]);
    await harness.retarget('L2', [via('extra')]);
    await harness.retarget('L1', [via('extra')]); // now L4 → L3 → L2 → extra and side → L1 → extra
  });

  it('refuses to delete a route another route targets, naming it', async () => {
    await harness.createRoute('base', [model('p1', 'm1')]);
    await harness.createRoute('user-one', [via('base')]);
    await harness.createRoute('user-two', [model('p2', 'm2'), via('base')]);
    const refused = await failure(harness.routes.deleteRoute({ name: 'base' }, adminOptions));
    expect(refused.code).toBe(Code.FailedPrecondition);
    expect(refused.rawMessage).toContain('"user-one", "user-two"');

    await harness.routes.deleteRoute({ name: 'user-one' }, adminOptions);
    await harness.retarget('user-two', [model('p2', 'm2')]);
    await harness.routes.deleteRoute({ name: 'base' }, adminOptions);
    expect((await harness.routes.listRoutes({}, adminOptions)).routes.map((route) => route.name)).toEqual(['user-two']);
  });

  it('serialises concurrent writes so two updates cannot close a cycle together', async () => {
    await harness.createRoute('X', [model('p1', 'm1')]);
    await harness.createRoute('Y', [model('p2', 'm2')]);
    const outcomes = await Promise.allSettled([harness.retarget('X', [via('Y')]), harness.retarget('Y', [via('X')])]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
  });
});
