// RoutesService through Connect's in-memory transport: CRUD, defaults,
// partial updates with and without a mask, pagination, admin token, health.
import { describe, expect, it } from 'vitest';
import { Code } from '@connectrpc/connect';
import { durationFromMs, durationMs, timestampMs } from '@bufbuild/protobuf/wkt';
import { AffinityScope, BreakerState, RouteStrategy } from '../../gen/llmgateway/v1/routes_service_pb.js';
import { DEFAULT_ROUTE_SETTINGS } from '../../src/core/routing/route-plan.js';
import { adminOptions, failure, model, useRoutesHarness, via } from './routes-harness.js';

describe('RoutesService', () => {
  const harness = useRoutesHarness();

  it('creates, gets, lists and deletes a route; unset settings take the defaults', async () => {
    const { routes, services } = harness;
    harness.services.setNow(1_750_000_000_000);
    const { route } = await harness.createRoute('smart', [model('p1', 'm1'), model('p2', 'm2', 5)], {
      description: 'The smart tier',
      strategy: RouteStrategy.WEIGHTED,
    });
    expect(route).toMatchObject({ name: 'smart', description: 'The smart tier', strategy: RouteStrategy.WEIGHTED, enabled: true });
    expect(route?.targets.map((target) => [target.providerId, target.upstreamModel, target.route, target.weight])).toEqual([
      ['p1', 'm1', '', 1], // weight 0 means 1
      ['p2', 'm2', '', 5],
    ]);
    const settings = route!.settings!;
    expect(settings.maxRetries).toBe(DEFAULT_ROUTE_SETTINGS.maxRetries);
    expect(durationMs(settings.backoffBase!)).toBe(200);
    expect(durationMs(settings.backoffCap!)).toBe(5_000);
    expect(durationMs(settings.attemptTimeout!)).toBe(60_000);
    expect(durationMs(settings.totalDeadline!)).toBe(180_000);
    expect(durationMs(settings.affinityTtl!)).toBe(600_000);
    expect(durationMs(settings.maxRetryAfter!)).toBe(10_000);
    expect(settings.failoverStatuses).toEqual([408, 409, 429, 500, 502, 503, 504, 529]);
    expect(settings.affinityScope).toBe(AffinityScope.KEY);
    expect(timestampMs(route!.createdAt!)).toBe(1_750_000_000_000);
    expect(services.routeChanges()).toBe(1);

    expect((await routes.getRoute({ name: 'smart' }, adminOptions)).route).toEqual(route);
    expect((await routes.listRoutes({}, adminOptions)).routes).toEqual([route]);
    expect(await services.storage.routes.get('smart')).toMatchObject({ strategy: 'weighted', settings: DEFAULT_ROUTE_SETTINGS });

    await routes.deleteRoute({ name: 'smart' }, adminOptions);
    expect(services.routeChanges()).toBe(2);
    expect((await failure(routes.getRoute({ name: 'smart' }, adminOptions))).code).toBe(Code.NotFound);
    expect((await failure(routes.deleteRoute({ name: 'smart' }, adminOptions))).code).toBe(Code.NotFound);
    expect((await failure(routes.getRoute({ name: '' }, adminOptions))).rawMessage).toContain('name');
  });

  it('stores explicit settings; AFFINITY defaults its scope to KEY; names may look like model ids', async () => {
    const explicit = await harness.createRoute('openai/gpt-4o:fast_v1.2', [model('p1', 'm1')], {
      strategy: RouteStrategy.AFFINITY,
      enabled: false,
      settings: {
        maxRetries: 0,
        backoffBase: durationFromMs(0),
        backoffCap: durationFromMs(60_000),
        attemptTimeout: durationFromMs(100),
        totalDeadline: durationFromMs(30 * 60_000),
        failoverStatuses: [503, 429, 503],
        affinityScope: AffinityScope.SESSION,
        affinityTtl: durationFromMs(24 * 3_600_000),
        maxRetryAfter: durationFromMs(0),
      },
    });
    expect(explicit.route?.enabled).toBe(false);
    expect(await harness.services.storage.routes.get('openai/gpt-4o:fast_v1.2')).toMatchObject({
      strategy: 'affinity',
      settings: {
        maxRetries: 0,
        backoffBaseMs: 0,
        backoffCapMs: 60_000,
        attemptTimeoutMs: 100,
        totalDeadlineMs: 1_800_000,
        failoverStatuses: [503, 429],
        affinityScope: 'session',
        affinityTtlMs: 86_400_000,
        maxRetryAfterMs: 0,
      },
    });
    const sticky = await harness.createRoute('sticky', [model('p2', 'm2')], {
      strategy: RouteStrategy.AFFINITY,
      settings: { maxRetries: 3 },
    });
    expect(sticky.route?.settings).toMatchObject({ maxRetries: 3, affinityScope: AffinityScope.KEY });
  });

  it('refuses a duplicate name and calls without the admin token', async () => {
    const { routes } = harness;
    await harness.createRoute('smart', [model('p1', 'm1')]);
    const duplicate = await failure(harness.createRoute('smart', [model('p2', 'm2')]));
    expect(duplicate.code).toBe(Code.AlreadyExists);
    expect(duplicate.rawMessage).toContain('smart');
    expect((await failure(routes.listRoutes({}))).code).toBe(Code.Unauthenticated);
    expect((await failure(routes.getRoute({ name: 'smart' }, { headers: { authorization: 'Bearer wrong' } }))).code).toBe(
      Code.Unauthenticated,
    );
    expect((await failure(routes.deleteRoute({ name: 'smart' })))?.code).toBe(Code.Unauthenticated);
    expect((await failure(routes.getRouteHealth({ name: 'smart' })))?.code).toBe(Code.Unauthenticated);
    expect((await routes.getRoute({ name: 'smart' }, adminOptions)).route?.targets).toHaveLength(1);
  });

  it('updates partially without a mask: only the fields the request carries', async () => {
    const { routes } = harness;
    await harness.createRoute('smart', [model('p1', 'm1')], {
      description: 'keep me',
      settings: { maxRetries: 4, attemptTimeout: durationFromMs(5_000) },
    });
    harness.services.setNow(1_800_000_000_000);
    const disabled = await routes.updateRoute({ name: 'smart', enabled: false }, adminOptions);
    expect(disabled.route).toMatchObject({ description: 'keep me', enabled: false, strategy: RouteStrategy.PRIORITY });
    expect(disabled.route?.settings?.maxRetries).toBe(4);
    expect(timestampMs(disabled.route!.updatedAt!)).toBe(1_800_000_000_000);

    const restrategised = await routes.updateRoute(
      { name: 'smart', strategy: RouteStrategy.ROUND_ROBIN, targets: [model('p2', 'm2'), model('p3', 'm3', 7)] },
      adminOptions,
    );
    expect(restrategised.route?.strategy).toBe(RouteStrategy.ROUND_ROBIN);
    expect(restrategised.route?.targets.map((target) => target.upstreamModel)).toEqual(['m2', 'm3']);
    expect(restrategised.route).toMatchObject({ description: 'keep me', enabled: false });

    // A settings message replaces the stored one as a whole (UpdateKeyRequest's rule).
    const resettled = await routes.updateRoute({ name: 'smart', settings: { maxRetries: 2 } }, adminOptions);
    expect(resettled.route?.settings?.maxRetries).toBe(2);
    expect(durationMs(resettled.route!.settings!.attemptTimeout!)).toBe(60_000);

    expect((await failure(routes.updateRoute({ name: 'smart' }, adminOptions))).rawMessage).toContain('update_mask');
    expect((await failure(routes.updateRoute({ name: 'nope', enabled: true }, adminOptions))).code).toBe(Code.NotFound);
    expect(harness.services.routeChanges()).toBe(4);
  });

  it('updates exactly the masked fields, clearing those the request leaves empty', async () => {
    const { routes } = harness;
    await harness.createRoute('smart', [model('p1', 'm1')], {
      description: 'to be cleared',
      strategy: RouteStrategy.LEAST_LATENCY,
      settings: { maxRetries: 5 },
    });
    const masked = await routes.updateRoute(
      // enabled and strategy are in the request but not in the mask: ignored.
      { name: 'smart', enabled: false, strategy: RouteStrategy.WEIGHTED, updateMask: { paths: ['description', 'settings'] } },
      adminOptions,
    );
    expect(masked.route).toMatchObject({ description: '', enabled: true, strategy: RouteStrategy.LEAST_LATENCY });
    expect(masked.route?.settings?.maxRetries).toBe(DEFAULT_ROUTE_SETTINGS.maxRetries);

    const off = await routes.updateRoute({ name: 'smart', updateMask: { paths: ['enabled'] } }, adminOptions);
    expect(off.route?.enabled).toBe(false);

    const invalid: Array<[string[], string]> = [
      [['targets'], 'targets'],
      [['strategy'], 'strategy'],
      [['name'], 'update_mask'],
      [['created_at'], 'update_mask'],
    ];
    for (const [paths, field] of invalid) {
      const error = await failure(routes.updateRoute({ name: 'smart', updateMask: { paths } }, adminOptions));
      expect(error.code, paths.join()).toBe(Code.InvalidArgument);
      expect(error.rawMessage, paths.join()).toContain(field);
    }
  });

  it('updates single settings by mask path (settings.max_retries), keeping the others; refuses unknown or overlapping paths', async () => {
    const { routes } = harness;
    await harness.createRoute('smart', [model('p1', 'm1')], {
      settings: { maxRetries: 4, attemptTimeout: durationFromMs(5_000), totalDeadline: durationFromMs(20_000), failoverStatuses: [500, 503] },
    });
    const retried = await routes.updateRoute(
      { name: 'smart', settings: { maxRetries: 2, attemptTimeout: durationFromMs(9_000) }, updateMask: { paths: ['settings.max_retries'] } },
      adminOptions,
    );
    // Only the named setting: attempt_timeout is in the request but not in the mask.
    expect(retried.route?.settings?.maxRetries).toBe(2);
    expect(durationMs(retried.route!.settings!.attemptTimeout!)).toBe(5_000);
    expect(durationMs(retried.route!.settings!.totalDeadline!)).toBe(20_000);
    expect(retried.route?.settings?.failoverStatuses).toEqual([500, 503]);

    // A named setting the request leaves unset goes back to its default; another field may go with it.
    const cleared = await routes.updateRoute(
      { name: 'smart', description: 'tuned', updateMask: { paths: ['settings.failover_statuses', 'settings.attempt_timeout', 'settings.total_deadline', 'description'] } },
      adminOptions,
    );
    expect(cleared.route?.description).toBe('tuned');
    expect(cleared.route?.settings?.failoverStatuses).toEqual(DEFAULT_ROUTE_SETTINGS.failoverStatuses);
    expect(durationMs(cleared.route!.settings!.attemptTimeout!)).toBe(DEFAULT_ROUTE_SETTINGS.attemptTimeoutMs);
    expect(durationMs(cleared.route!.settings!.totalDeadline!)).toBe(DEFAULT_ROUTE_SETTINGS.totalDeadlineMs);
    expect(cleared.route?.settings?.maxRetries).toBe(2);

    // The merged settings are validated as a whole.
    const tooShort = await failure(
      routes.updateRoute({ name: 'smart', settings: { totalDeadline: durationFromMs(1_000) }, updateMask: { paths: ['settings.total_deadline'] } }, adminOptions),
    );
    expect(tooShort.rawMessage).toContain('settings.total_deadline');
    for (const paths of [['settings.nope'], ['settings', 'settings.max_retries'], ['settings.']]) {
      const error = await failure(routes.updateRoute({ name: 'smart', updateMask: { paths } }, adminOptions));
      expect(error.code, paths.join()).toBe(Code.InvalidArgument);
      expect(error.rawMessage, paths.join()).toContain('update_mask');
    }
    const unknown = await failure(routes.updateRoute({ name: 'smart', updateMask: { paths: ['settings.nope'] } }, adminOptions));
    expect(unknown.rawMessage).toContain('settings.max_retries (JSON: settings.maxRetries)');
  });

  it('paginates by name without gaps or repeats', async () => {
    const names = ['e', 'B', 'a/x', 'c:1', 'd.2', 'a-x'];
    for (const name of names) await harness.createRoute(name, [model('p1', 'm1')]);
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await harness.routes.listRoutes({ pageSize: 4, pageToken }, adminOptions);
      seen.push(...page.routes.map((route) => route.name));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toEqual([...names].sort());
    expect((await failure(harness.routes.listRoutes({ pageToken: 'garbage' }, adminOptions))).code).toBe(Code.InvalidArgument);
    expect((await failure(harness.routes.listRoutes({ pageSize: 501 }, adminOptions))).rawMessage).toContain('page_size');
  });

  it('GetRouteHealth flattens nested routes, each target once, with the live state of each', async () => {
    await harness.createRoute('leaf', [model('p1', 'm4'), model('p2', 'm2')]);
    await harness.createRoute('mid', [model('p2', 'm2'), model('p3', 'm3'), via('leaf')]);
    await harness.createRoute('other', [via('leaf')]);
    // A diamond: leaf is reached through mid and through other, and listed once.
    await harness.createRoute('top', [model('p1', 'm1'), via('mid'), model('p2', 'm2'), via('other')], {
      strategy: RouteStrategy.WEIGHTED,
    });
    harness.services.targetHealth.set('p3/m3', {
      breaker: 'open',
      latencyMs: 123.6,
      errorRate: 0.75,
      consecutiveFailures: 5,
      openUntil: 1_900_000_000_000,
      attempts: 8,
    });
    harness.services.targetHealth.set('p1/m4', { ...harness.services.targetHealth.get('p3/m3')!, breaker: 'half-open' });

    const { targets } = await harness.routes.getRouteHealth({ name: 'top' }, adminOptions);
    expect(targets.map((target) => `${target.providerId}/${target.upstreamModel}`)).toEqual(['p1/m1', 'p2/m2', 'p3/m3', 'p1/m4']);
    const [healthy, , open, halfOpen] = targets;
    expect(healthy).toMatchObject({ breaker: BreakerState.CLOSED, errorRate: 0, consecutiveFailures: 0, attempts: 0 });
    expect(healthy?.latency).toBeUndefined();
    expect(healthy?.opensUntil).toBeUndefined();
    expect(open).toMatchObject({ breaker: BreakerState.OPEN, errorRate: 0.75, consecutiveFailures: 5, attempts: 8 });
    expect(durationMs(open!.latency!)).toBe(124);
    expect(timestampMs(open!.opensUntil!)).toBe(1_900_000_000_000);
    expect(halfOpen?.breaker).toBe(BreakerState.HALF_OPEN);

    const leaf = await harness.routes.getRouteHealth({ name: 'leaf' }, adminOptions);
    expect(leaf.targets.map((target) => target.upstreamModel)).toEqual(['m4', 'm2']);
    expect((await failure(harness.routes.getRouteHealth({ name: 'missing' }, adminOptions))).code).toBe(Code.NotFound);
  });

  it('a provider that a route targets is not deleted; one gone before that check stays listed', async () => {
    await harness.createRoute('smart', [model('p1', 'm1'), model('p2', 'm2')]);
    const refused = await failure(harness.providers.deleteProvider({ id: 'p1' }, adminOptions));
    expect(refused.code).toBe(Code.FailedPrecondition);
    expect(refused.rawMessage).toBe('provider "p1" is used by route "smart"; change or delete it first');
    // Data written before deletes were checked may still hold such a target.
    await harness.services.storage.providers.delete('p1');
    const { targets } = await harness.routes.getRouteHealth({ name: 'smart' }, adminOptions);
    expect(targets.map((target) => target.providerId)).toEqual(['p1', 'p2']);
    // Saving the route again now needs a target that exists.
    const error = await failure(harness.retarget('smart', [model('p1', 'm1')]));
    expect(error.rawMessage).toContain('targets[0].provider_id');
  });
});
