// An expert route whose LLM judge is a Claude model: the classifier asks with
// temperature 0, which API version 2026-10-21 refuses (the fixture does too),
// so the gateway must leave it out for the judge to answer. Every decision is
// then the judge's (source LLM), none a fallback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicFixture } from '../fixtures/anthropic-upstream.js';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';

let harness: RoutingHarness;
let claude: FixtureUpstream;

const EXPERTS = [
  { name: 'code', description: 'Programming: code, functions, bugs', providerId: 'experts', upstreamModel: 'ok-code' },
  { name: 'planning', description: 'Plans, roadmaps, multi-step reasoning', providerId: 'experts', upstreamModel: 'ok-plan' },
  { name: 'chat', description: 'Small talk and everything else', providerId: 'experts', upstreamModel: 'ok-chat' },
];
const QUESTIONS: Record<string, string> = {
  code: 'Why does this function throw a bug on empty input?',
  planning: 'Draft a roadmap for our migration plan.',
  chat: 'Hello there, how are you today?',
};

beforeAll(async () => {
  harness = await startRoutingHarness();
  claude = await startAnthropicFixture();
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'experts', name: 'Experts', type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE', baseUrl: harness.upstream.baseUrl, apiKey: harness.upstream.apiKey,
    models: EXPERTS.map((expert) => ({ upstreamModel: expert.upstreamModel })),
  });
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'claude', name: 'Claude judge', type: 'PROVIDER_TYPE_ANTHROPIC', baseUrl: claude.baseUrl, apiKey: claude.apiKey,
    models: [{ upstreamModel: 'judge-claude' }],
  });
  await harness.admin('RoutesService/CreateRoute', {
    name: 'experts-claude', strategy: 'ROUTE_STRATEGY_EXPERT',
    expert: { experts: EXPERTS, fallbackExpert: 'chat', classifier: { type: 'EXPERT_CLASSIFIER_TYPE_LLM', judgeModel: 'claude/judge-claude', timeout: '5s' } },
  });
});
afterAll(async () => {
  await claude?.close();
  await harness?.close();
});

describe('an expert route judged by a Claude model', () => {
  it('sends each question to its expert, and every decision is the judge’s', async () => {
    for (const [expert, question] of Object.entries(QUESTIONS)) {
      const { response } = await harness.openai.chat.completions
        .create({ model: 'experts-claude', messages: [{ role: 'user', content: question }] })
        .withResponse();
      expect(response.headers.get('x-gateway-upstream-model'), question).toBe(EXPERTS.find((candidate) => candidate.name === expert)!.upstreamModel);
    }
    // The judge was asked without the sampling field its API version refuses, and with a JSON schema.
    const judged = claude.received.filter((request) => request.path === '/v1/messages');
    expect(judged).toHaveLength(3);
    for (const request of judged) {
      expect(request.body).not.toHaveProperty('temperature');
      expect(request.body).toMatchObject({ output_config: { format: { type: 'json_schema' } } });
    }

    type Decision = { expert: string; source: string };
    let decisions: Decision[] = [];
    await expect
      .poll(async () => {
        decisions = ((await harness.admin('RoutesService/ListExpertDecisions', { route: 'experts-claude' })) as { decisions?: Decision[] }).decisions ?? [];
        return decisions.length;
      }, { timeout: 10_000 })
      .toBe(3);
    expect(decisions.map((decision) => decision.expert).sort()).toEqual(['chat', 'code', 'planning']);
    expect(decisions.map((decision) => decision.source)).toEqual(Array(3).fill('EXPERT_DECISION_SOURCE_LLM'));
  });
});
