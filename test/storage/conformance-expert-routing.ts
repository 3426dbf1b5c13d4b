// Expert routing part of the conformance suite: routes.expert round-trips, expert_decisions listing.
import { expect, test } from 'vitest';
import type { ExpertDecisionRecord, ExpertRoutingRecord } from '../../src/domain/expert-routing.js';
import { InvalidCursorError } from '../../src/storage/index.js';
import type { ConformanceContext } from './conformance.js';
import { BEYOND_2038_MS, collectPages, makeRoute, YEAR_9999_MS } from './fixtures.js';

export function makeExpertRouting(overrides: Partial<ExpertRoutingRecord> = {}): ExpertRoutingRecord {
  return {
    experts: [
      { name: 'coding', description: 'Code ✓ "quoted" \\ 中文', route: '', providerId: 'prov-1', upstreamModel: 'gpt-4o', systemPrompt: 'You write code.\n🚀', examples: ['fix my bug', "it's broken"] },
      { name: 'small-talk', description: '', route: 'cheap', providerId: '', upstreamModel: '', systemPrompt: null, examples: [] },
    ],
    fallbackExpert: 'small-talk',
    classifier: {
      type: 'rules',
      judgeModel: 'judge',
      timeoutMs: 5000,
      rules: [{ pattern: '\\b(def|class)\\b', keywords: [], expert: 'coding' }, { pattern: '', keywords: ['hi', 'hello there'], expert: 'small-talk' }],
      embeddingModel: 'embedder',
      similarityThreshold: 0.75,
    },
    preprocessing: {
      keepLastTurns: 3,
      stripToolResults: true,
      stripCodeBlocksOverLines: 20,
      stripSystemPrompt: false,
      stripAttachments: true,
      maxCharacters: 4000,
    },
    decisionCacheTtlMs: 300_000,
    ...overrides,
  };
}

function makeDecision(overrides: Partial<ExpertDecisionRecord> = {}): ExpertDecisionRecord {
  return {
    requestId: 'req-1',
    time: BEYOND_2038_MS,
    route: 'experts',
    classifier: 'llm',
    expert: 'coding',
    source: 'llm',
    latencyMs: 123,
    tokens: 57,
    ...overrides,
  };
}

export function describeExpertRoutingConformance(context: ConformanceContext): void {
  test('an expert route round-trips its config; other routes have none', async () => {
    const { routes } = context.storage();
    const expert = makeRoute({
      name: 'experts',
      strategy: 'expert',
      targets: [
        { providerId: 'prov-1', upstreamModel: 'gpt-4o', route: '', weight: 1 },
        { providerId: '', upstreamModel: '', route: 'cheap', weight: 1 },
      ],
      expert: makeExpertRouting(),
    });
    await routes.insert(expert);
    await routes.insert(makeRoute());
    expect(await routes.get('experts')).toEqual(expert);
    expect(await routes.get('smart')).toEqual(makeRoute());
    expect((await routes.get('smart'))?.expert).toBeUndefined();

    const changed = { ...expert, expert: makeExpertRouting({ fallbackExpert: 'coding', decisionCacheTtlMs: 0 }) };
    expect(await routes.replace(changed)).toBe(true);
    expect(await routes.get('experts')).toEqual(changed);
    const { expert: _removed, ...plain } = { ...changed, strategy: 'priority' as const };
    expect(await routes.replace(plain)).toBe(true);
    expect(await routes.get('experts')).toEqual(plain);
    expect((await routes.listAll()).map((route) => route.name)).toEqual(['experts', 'smart']);
  });

  test('decisions list per route, newest first, across pages; bad cursors are refused', async () => {
    const { expertDecisions } = context.storage();
    const inserted: ExpertDecisionRecord[] = [];
    for (let index = 0; index < 7; index += 1) {
      // Two share a time: the tie is broken by the row id, still without repeats or gaps.
      const decision = makeDecision({
        requestId: `req-${index}`,
        time: BEYOND_2038_MS + (index === 3 ? 2 : index),
        source: (['llm', 'rules', 'embedding', 'fallback', 'cache'] as const)[index % 5]!,
        classifier: (['llm', 'rules', 'embedding'] as const)[index % 3]!,
      });
      inserted.push(decision);
      await expertDecisions.insert(decision);
    }
    await expertDecisions.insert(makeDecision({ route: 'other', requestId: 'elsewhere', time: YEAR_9999_MS }));

    const { items, pageCount } = await collectPages((cursor) => expertDecisions.list({ route: 'experts', limit: 2, cursor }));
    expect(pageCount).toBe(4);
    expect(items).toHaveLength(7);
    expect(new Set(items.map((item) => item.requestId)).size).toBe(7);
    const times = items.map((item) => item.time);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(items.find((item) => item.requestId === 'req-4')).toEqual(inserted[4]);

    const other = await expertDecisions.list({ route: 'other', limit: 10 });
    expect(other.items).toEqual([makeDecision({ route: 'other', requestId: 'elsewhere', time: YEAR_9999_MS })]);
    expect(other.nextCursor).toBeNull();
    expect((await expertDecisions.list({ route: 'missing', limit: 10 })).items).toEqual([]);
    await expect(expertDecisions.list({ route: 'experts', limit: 2, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  test('the same request id may be recorded twice (client-chosen ids are not unique)', async () => {
    const { expertDecisions } = context.storage();
    await expertDecisions.insert(makeDecision());
    await expertDecisions.insert(makeDecision({ source: 'cache', latencyMs: 0, tokens: 0 }));
    expect((await expertDecisions.list({ route: 'experts', limit: 10 })).items).toHaveLength(2);
  });
}
