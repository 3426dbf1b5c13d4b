// Expert routes through the route admin: validation at save time, conversion, derived targets, decisions.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  CreateRouteRequestSchema,
  ExpertClassifierType,
  ExpertDecisionSource,
  ExpertRoutingSchema,
  RouteStrategy,
  UpdateRouteRequestSchema,
  type ExpertRouting,
} from '../../gen/llmgateway/v1/routes_service_pb.js';
import { createReferenceFinder } from '../../src/core/admin/references.js';
import { createRouteAdmin, type RouteAdmin } from '../../src/core/admin/routes/route-admin.js';
import { openStorage, type GatewayStorage } from '../../src/storage/index.js';
import { makeProvider, makeRoute } from '../storage/fixtures.js';

let storage: GatewayStorage;
let admin: RouteAdmin;

beforeEach(async () => {
  storage = await openStorage({ databaseUrl: 'sqlite::memory:', dataDir: '/unused' });
  await storage.providers.insert(makeProvider());
  await storage.routes.insert(makeRoute({ name: 'cheap' }));
  admin = createRouteAdmin({ routes: storage.routes, references: createReferenceFinder(storage), expertDecisions: storage.expertDecisions, onChange: () => {}, now: () => 1000 });
});

afterEach(async () => {
  await storage.close();
});

type RoutingInit = Exclude<MessageInitShape<typeof ExpertRoutingSchema>, ExpertRouting>;

function routing(overrides: RoutingInit = {}): ExpertRouting {
  return create(ExpertRoutingSchema, {
    experts: [
      { name: 'coding', description: 'Code', providerId: 'prov-1', upstreamModel: 'gpt-4o', systemPrompt: 'You code.', examples: ['fix my bug'] },
      { name: 'chat', description: 'Small talk', route: 'cheap' },
      { name: 'coding-2', description: 'Also code', providerId: 'prov-1', upstreamModel: 'gpt-4o' },
    ],
    fallbackExpert: 'chat',
    classifier: { type: ExpertClassifierType.LLM, judgeModel: 'cheap', timeout: durationFromMs(2000) },
    ...overrides,
  });
}

const createExpert = (expert: ExpertRouting | undefined, extra: Record<string, unknown> = {}) =>
  admin.create(create(CreateRouteRequestSchema, { name: 'experts', strategy: RouteStrategy.EXPERT, expert, ...extra }));

describe('expert routes in the route admin', () => {
  test('created with defaults filled in; targets derived from the experts, each once', async () => {
    const route = await createExpert(routing());
    expect(route.strategy).toBe(RouteStrategy.EXPERT);
    expect(route.targets.map((target) => target.route || `${target.providerId}/${target.upstreamModel}`)).toEqual(['prov-1/gpt-4o', 'cheap']);
    expect(route.expert?.experts.map((expert) => expert.name)).toEqual(['coding', 'chat', 'coding-2']);
    expect(route.expert?.experts[0]?.systemPrompt).toBe('You code.');
    expect(route.expert?.experts[1]?.systemPrompt).toBeUndefined();
    expect(route.expert?.classifier?.similarityThreshold).toBe(0.5);
    expect(route.expert?.preprocessing?.maxCharacters).toBe(4000);
    expect(Number(route.expert?.decisionCacheTtl?.seconds)).toBe(300);
    expect(await admin.get('experts')).toEqual(route);
    // The nested route is now in use by the expert route.
    await expect(admin.delete('cheap')).rejects.toThrow(/target of route "experts"/);
  });

  test.each<[string, () => ExpertRouting | undefined, RegExp]>([
    ['no config', () => undefined, /expert.*required/],
    ['no experts', () => routing({ experts: [] }), /at least one expert/],
    ['duplicate names', () => routing({ experts: [...routing().experts, { ...routing().experts[0]!, name: 'CODING' }] }), /repeats expert/],
    ['a bad name', () => routing({ experts: [{ ...routing().experts[0]!, name: 'has space' }] }), /name/],
    ['a missing fallback', () => routing({ fallbackExpert: 'nobody' }), /fallback_expert.*names no expert/],
    ['a missing route target', () => routing({ experts: [{ name: 'x', route: 'nowhere' }], fallbackExpert: 'x' }), /route "nowhere" does not exist/],
    ['a missing provider', () => routing({ experts: [{ name: 'x', providerId: 'prov-9', upstreamModel: 'm' }], fallbackExpert: 'x' }), /provider "prov-9" does not exist/],
    ['an unserved model', () => routing({ experts: [{ name: 'x', providerId: 'prov-1', upstreamModel: 'nope' }], fallbackExpert: 'x' }), /does not serve "nope"/],
    ['both target kinds', () => routing({ experts: [{ name: 'x', route: 'cheap', providerId: 'prov-1', upstreamModel: 'gpt-4o' }], fallbackExpert: 'x' }), /not both/],
    ['itself as target', () => routing({ experts: [{ name: 'x', route: 'experts' }], fallbackExpert: 'x' }), /own route/],
    ['no classifier type', () => routing({ classifier: { type: ExpertClassifierType.UNSPECIFIED } as never }), /classifier.type/],
    ['an LLM without judge', () => routing({ classifier: { type: ExpertClassifierType.LLM, judgeModel: '' } as never }), /judge_model/],
    ['the route as its own judge', () => routing({ classifier: { type: ExpertClassifierType.LLM, judgeModel: 'experts' } as never }), /cannot be the expert route itself/],
    ['rules without rules', () => routing({ classifier: { type: ExpertClassifierType.RULES, rules: [] } as never }), /at least one rule/],
    ['a regex that does not compile', () => routing({ classifier: { type: ExpertClassifierType.RULES, rules: [{ pattern: '(unclosed', expert: 'coding' }] } as never }), /does not compile/],
    ['a rule for an unknown expert', () => routing({ classifier: { type: ExpertClassifierType.RULES, rules: [{ keywords: ['x'], expert: 'legal' }] } as never }), /names no expert/],
    ['a rule with pattern and keywords', () => routing({ classifier: { type: ExpertClassifierType.RULES, rules: [{ pattern: 'a', keywords: ['b'], expert: 'chat' }] } as never }), /either pattern or keywords/],
    ['embeddings without examples', () => routing({ experts: [{ name: 'x', route: 'cheap' }], fallbackExpert: 'x', classifier: { type: ExpertClassifierType.EMBEDDING, embeddingModel: 'e' } as never }), /needs examples/],
    ['a threshold above 1', () => routing({ classifier: { type: ExpertClassifierType.EMBEDDING, embeddingModel: 'e', similarityThreshold: 1.5 } as never }), /between 0 and 1/],
    ['a timeout too short', () => routing({ classifier: { type: ExpertClassifierType.LLM, judgeModel: 'j', timeout: durationFromMs(10) } as never }), /timeout/],
  ])('refused: %s', async (_label, config, message) => {
    await expect(createExpert(config())).rejects.toThrow(message);
    expect(await storage.routes.get('experts')).toBeNull();
  });

  test('explicit targets on an expert route and an expert config on another strategy are refused', async () => {
    await expect(createExpert(routing(), { targets: [{ route: 'cheap' }] })).rejects.toThrow(/must be empty on an expert route/);
    await expect(
      admin.create(create(CreateRouteRequestSchema, { name: 'plain', strategy: RouteStrategy.PRIORITY, targets: [{ route: 'cheap' }], expert: routing() })),
    ).rejects.toThrow(/only allowed with ROUTE_STRATEGY_EXPERT/);
  });

  test('updates: replace the config, then turn it into a plain route and back', async () => {
    await createExpert(routing());
    const updated = await admin.update(
      create(UpdateRouteRequestSchema, { name: 'experts', expert: routing({ experts: [{ name: 'only', route: 'cheap' }], fallbackExpert: 'only' }) }),
    );
    expect(updated.expert?.experts.map((expert) => expert.name)).toEqual(['only']);
    expect(updated.targets.map((target) => target.route)).toEqual(['cheap']);
    await expect(admin.update(create(UpdateRouteRequestSchema, { name: 'experts', strategy: RouteStrategy.PRIORITY }))).rejects.toThrow(
      /targets.*required/,
    );
    const plain = await admin.update(
      create(UpdateRouteRequestSchema, { name: 'experts', strategy: RouteStrategy.PRIORITY, targets: [{ providerId: 'prov-1', upstreamModel: 'gpt-4o' }] }),
    );
    expect(plain.expert).toBeUndefined();
    expect((await storage.routes.get('experts'))?.expert).toBeUndefined();
    await expect(admin.update(create(UpdateRouteRequestSchema, { name: 'experts', strategy: RouteStrategy.EXPERT }))).rejects.toThrow(/expert.*required/);
    const back = await admin.update(create(UpdateRouteRequestSchema, { name: 'experts', strategy: RouteStrategy.EXPERT, expert: routing() }));
    expect(back.strategy).toBe(RouteStrategy.EXPERT);
    // A description-only update keeps the config.
    const described = await admin.update(create(UpdateRouteRequestSchema, { name: 'experts', description: 'routed by a judge' }));
    expect(described.expert).toEqual(back.expert);
  });

  test('decisions are listed newest first; only for expert routes', async () => {
    await createExpert(routing());
    for (const [index, source] of (['llm', 'fallback', 'cache'] as const).entries()) {
      await storage.expertDecisions.insert({ requestId: `r${index}`, time: 1000 + index, route: 'experts', classifier: 'llm', expert: 'coding', source, latencyMs: 40, tokens: 12 });
    }
    const first = await admin.listExpertDecisions({ route: 'experts', pageSize: 2, pageToken: '' } as never);
    expect(first.decisions.map((decision) => decision.requestId)).toEqual(['r2', 'r1']);
    expect(first.decisions[0]).toMatchObject({ source: ExpertDecisionSource.CACHE, classifier: ExpertClassifierType.LLM, classifierTokens: 12 });
    expect(Number(first.decisions[0]?.classifierLatency?.nanos)).toBe(40_000_000);
    const second = await admin.listExpertDecisions({ route: 'experts', pageSize: 2, pageToken: first.nextPageToken } as never);
    expect(second.decisions.map((decision) => decision.requestId)).toEqual(['r0']);
    expect(second.nextPageToken).toBe('');
    await expect(admin.listExpertDecisions({ route: 'cheap', pageSize: 10, pageToken: '' } as never)).rejects.toThrow(/not an expert route/);
    await expect(admin.listExpertDecisions({ route: 'missing', pageSize: 10, pageToken: '' } as never)).rejects.toThrow(/not found|does not exist/i);
  });
});
