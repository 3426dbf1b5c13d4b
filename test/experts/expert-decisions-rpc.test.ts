// RoutesService over Connect: an expert route is created, read back and its decisions listed.
import { describe, expect, it } from 'vitest';
import { Code } from '@connectrpc/connect';
import { ExpertClassifierType, ExpertDecisionSource, RouteStrategy } from '../../gen/llmgateway/v1/routes_service_pb.js';
import { adminOptions, failure, model, useRoutesHarness } from '../rpc/routes-harness.js';

describe('RoutesService expert routes', () => {
  const harness = useRoutesHarness();

  it('creates an expert route and lists its decisions newest first', async () => {
    const { routes, services } = harness;
    await harness.createRoute('cheap', [model('p2', 'm2')]);
    const { route } = await routes.createRoute(
      {
        name: 'experts',
        strategy: RouteStrategy.EXPERT,
        expert: {
          experts: [
            { name: 'coding', description: 'Code', providerId: 'p1', upstreamModel: 'm1' },
            { name: 'planning', description: 'Plans', providerId: 'p3', upstreamModel: 'm3' },
            { name: 'chat', description: 'Small talk', route: 'cheap' },
          ],
          fallbackExpert: 'chat',
          classifier: { type: ExpertClassifierType.RULES, rules: [{ keywords: ['code'], expert: 'coding' }] },
        },
      },
      adminOptions,
    );
    expect(route?.expert?.experts).toHaveLength(3);
    expect((await routes.getRoute({ name: 'experts' }, adminOptions)).route).toEqual(route);

    for (const [index, expert] of ['coding', 'planning', 'chat'].entries()) {
      await services.storage.expertDecisions.insert({
        requestId: `req-${index}`,
        time: 1_750_000_000_000 + index,
        route: 'experts',
        classifier: 'rules',
        expert,
        source: index === 2 ? 'fallback' : 'rules',
        latencyMs: 1,
        tokens: 0,
      });
    }
    const page = await routes.listExpertDecisions({ route: 'experts', pageSize: 10 }, adminOptions);
    expect(page.decisions.map((decision) => [decision.requestId, decision.expert, decision.source])).toEqual([
      ['req-2', 'chat', ExpertDecisionSource.FALLBACK],
      ['req-1', 'planning', ExpertDecisionSource.RULES],
      ['req-0', 'coding', ExpertDecisionSource.RULES],
    ]);
    expect(page.nextPageToken).toBe('');

    expect((await failure(routes.listExpertDecisions({ route: 'cheap', pageSize: 10 }, adminOptions))).code).toBe(Code.FailedPrecondition);
    expect((await failure(routes.listExpertDecisions({ route: 'experts', pageSize: 10 }))).code).toBe(Code.Unauthenticated);
    const invalid = await failure(
      routes.createRoute({ name: 'bad', strategy: RouteStrategy.EXPERT, expert: { experts: [{ name: 'x', route: 'cheap' }], fallbackExpert: 'y' } }, adminOptions),
    );
    expect(invalid.code).toBe(Code.InvalidArgument);
    expect(invalid.rawMessage).toMatch(/fallback_expert/);
  });
});
