// Issue 6's promise through the real server: an expert route with three
// experts sends a code question, a planning question and small talk to three
// different models, on the OpenAI shim and over gRPC; a prompt rule's text
// reaches the upstream; decisions are readable through the admin API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';
import { startFixture } from '../completion/matrix-setup.js';
import type { FixtureUpstream } from '../fixtures/fixture-upstream.js';

let harness: RoutingHarness;
let session: Http2SessionManager;
let embedder: FixtureUpstream;

const EXPERTS = [
  { name: 'code', description: 'Programming: code, functions, bugs', providerId: 'experts', upstreamModel: 'ok-code', systemPrompt: 'You are a senior engineer.' },
  { name: 'planning', description: 'Plans, roadmaps, multi-step reasoning', providerId: 'experts', upstreamModel: 'ok-plan' },
  { name: 'chat', description: 'Small talk and everything else', providerId: 'experts', upstreamModel: 'ok-chat' },
];
const QUESTIONS = {
  code: 'Why does this function throw a bug on empty input?',
  planning: 'Draft a roadmap for our migration plan.',
  chat: 'Hello there, how are you today?',
};

beforeAll(async () => {
  harness = await startRoutingHarness();
  // The experts and the judge sit behind providers of different types (different adapters).
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'experts', name: 'Experts', type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE', baseUrl: harness.upstream.baseUrl, apiKey: harness.upstream.apiKey,
    models: ['ok-code', 'ok-plan', 'ok-chat'].map((upstreamModel) => ({ upstreamModel })),
  });
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'judges', name: 'Judges', type: 'PROVIDER_TYPE_OPENAI', baseUrl: harness.upstream.baseUrl, apiKey: harness.upstream.apiKey,
    models: ['judge-x', 'judge-garbage'].map((upstreamModel) => ({ upstreamModel })),
  });
  const route = (name: string, classifier: object) =>
    harness.admin('RoutesService/CreateRoute', {
      name, strategy: 'ROUTE_STRATEGY_EXPERT',
      expert: { experts: EXPERTS, fallbackExpert: 'chat', classifier },
    });
  await route('experts-llm', { type: 'EXPERT_CLASSIFIER_TYPE_LLM', judgeModel: 'judges/judge-x', timeout: '5s' });
  await route('experts-rules', {
    type: 'EXPERT_CLASSIFIER_TYPE_RULES',
    rules: [{ pattern: '\\b(function|bug|code)\\b', expert: 'code' }, { keywords: ['roadmap', 'plan'], expert: 'planning' }],
  });
  await route('experts-garbage', { type: 'EXPERT_CLASSIFIER_TYPE_LLM', judgeModel: 'judges/judge-garbage', timeout: '5s' });
  await harness.admin('PromptRulesService/CreatePromptRule', {
    name: 'tag-experts', scope: 'PROMPT_RULE_SCOPE_ROUTE', scopeId: 'experts-llm',
    operation: 'PROMPT_RULE_OPERATION_APPEND_SYSTEM', text: 'Routed by the expert gateway.',
  });
  // The embedding classifier embeds through the gateway too (an OpenAI-wire fixture serving embeddings).
  embedder = await startFixture('openai');
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'embedder', name: 'Embedder', type: 'PROVIDER_TYPE_OPENAI', baseUrl: embedder.baseUrl, apiKey: embedder.apiKey,
    models: [{ upstreamModel: 'embedding-model' }],
  });
  await harness.admin('RoutesService/CreateRoute', {
    name: 'experts-embedding', strategy: 'ROUTE_STRATEGY_EXPERT',
    expert: {
      experts: EXPERTS.map((expert) => ({ ...expert, examples: [QUESTIONS[expert.name as keyof typeof QUESTIONS]] })),
      fallbackExpert: 'chat',
      classifier: { type: 'EXPERT_CLASSIFIER_TYPE_EMBEDDING', embeddingModel: 'embedder/embedding-model', similarityThreshold: 0.999 },
    },
  });
  session = new Http2SessionManager(harness.gateway.url);
});
afterAll(async () => {
  session?.abort();
  await embedder?.close();
  await harness?.close();
});

describe('expert routing', () => {
  it('sends each kind of question to its expert through the OpenAI shim (LLM judge)', async () => {
    for (const [expert, question] of Object.entries(QUESTIONS)) {
      const { data, response } = await harness.openai.chat.completions
        .create({ model: 'experts-llm', messages: [{ role: 'user', content: question }] })
        .withResponse();
      const model = EXPERTS.find((candidate) => candidate.name === expert)!.upstreamModel;
      expect(response.headers.get('x-gateway-upstream-model'), question).toBe(model);
      expect(data.choices[0]?.message.content).toBe(`served by ${model.slice(3)}`);
      expect(response.headers.get('x-gateway-rules')).toBe('tag-experts');
    }
    // The expert's system prompt and the route's rule both reached the upstream.
    const system = harness.upstream.lastBody('ok-code')?.messages?.filter((message) => message.role === 'system').map((message) => message.content);
    expect(system).toEqual(['You are a senior engineer.\n\nRouted by the expert gateway.']);
  });

  it('does the same over gRPC (rules classifier), with the expert in the route info', async () => {
    const rpc = createClient(CompletionService, createGrpcTransport({ baseUrl: harness.gateway.url, sessionManager: session }));
    for (const [expert, question] of Object.entries(QUESTIONS)) {
      const answer = await rpc.complete(harness.chat('experts-rules', question), { headers: { authorization: `Bearer ${harness.secret}` } });
      expect(answer.response?.route).toMatchObject({ expert, upstreamModel: EXPERTS.find((candidate) => candidate.name === expert)!.upstreamModel });
    }
  });

  it('names the chosen expert in x-gateway-expert on the REST shims, unary and streamed', async () => {
    for (const [expert, question] of Object.entries(QUESTIONS)) {
      const unary = await harness.openai.chat.completions
        .create({ model: 'experts-rules', messages: [{ role: 'user', content: question }] })
        .withResponse();
      expect(unary.response.headers.get('x-gateway-expert'), question).toBe(expert);
      expect(unary.response.headers.get('x-gateway-route')).toBe('experts-rules');

      const stream = await harness.openai.chat.completions
        .create({ model: 'experts-rules', messages: [{ role: 'user', content: question }], stream: true })
        .withResponse();
      for await (const part of stream.data) void part;
      expect(stream.response.headers.get('x-gateway-expert'), question).toBe(expert);
    }
    const anthropic = await fetch(`${harness.gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': harness.secret, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'experts-rules', max_tokens: 16, messages: [{ role: 'user', content: QUESTIONS.planning }] }),
    });
    expect(anthropic.headers.get('x-gateway-expert')).toBe('planning');
    // A request no expert route chose has none.
    const plain = await harness.openai.chat.completions.create({ model: 'fault/ok-c', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    expect(plain.response.headers.get('x-gateway-expert')).toBeNull();
  });

  it('picks by similarity to the experts\' examples (embedding classifier), below the threshold falls back', async () => {
    for (const [expert, question] of Object.entries(QUESTIONS)) {
      const answer = await harness.openai.chat.completions
        .create({ model: 'experts-embedding', messages: [{ role: 'user', content: question }] })
        .withResponse();
      expect(answer.response.headers.get('x-gateway-upstream-model'), question).toBe(EXPERTS.find((candidate) => candidate.name === expert)!.upstreamModel);
    }
    const unlike = await harness.openai.chat.completions
      .create({ model: 'experts-embedding', messages: [{ role: 'user', content: 'zzz qqq unrelated text 42' }] })
      .withResponse();
    expect(unlike.response.headers.get('x-gateway-upstream-model')).toBe('ok-chat');
    expect(embedder.received.filter((request) => request.path.includes('embeddings')).length).toBeGreaterThan(0);
  });

  it('falls back when the judge answers garbage, and the request still succeeds', async () => {
    const answer = await harness.openai.chat.completions
      .create({ model: 'experts-garbage', messages: [{ role: 'user', content: QUESTIONS.code }] })
      .withResponse();
    expect(answer.response.headers.get('x-gateway-upstream-model')).toBe('ok-chat');
  });

  it('records every decision, readable through the admin API (a repeat comes from the decision cache)', async () => {
    await harness.openai.chat.completions.create({ model: 'experts-llm', messages: [{ role: 'user', content: QUESTIONS.planning }] });
    type Decision = { expert: string; source: string; classifier: string };
    let decisions: Decision[] = [];
    await expect
      .poll(async () => {
        decisions = ((await harness.admin('RoutesService/ListExpertDecisions', { route: 'experts-llm' })) as { decisions?: Decision[] }).decisions ?? [];
        return decisions.length;
      }, { timeout: 10_000 })
      .toBe(4);
    expect(decisions.map((decision) => decision.expert).sort()).toEqual(['chat', 'code', 'planning', 'planning']);
    expect(decisions[0]).toMatchObject({ expert: 'planning', source: 'EXPERT_DECISION_SOURCE_CACHE' });
    expect(decisions.filter((decision) => decision.source === 'EXPERT_DECISION_SOURCE_LLM')).toHaveLength(3);
    const garbage = ((await harness.admin('RoutesService/ListExpertDecisions', { route: 'experts-garbage' })) as { decisions: Decision[] }).decisions;
    expect(garbage[0]).toMatchObject({ expert: 'chat', source: 'EXPERT_DECISION_SOURCE_FALLBACK' });
  });
});
