import { beforeAll, describe, expect, test } from 'vitest';
import { ResponseFormatType } from '../../gen/llmgateway/v1/chat_pb.js';
import {
  createExpertRouter,
  rulesClassifier,
  type ExpertDecisionEvent,
  type ExpertRoutingConfig,
} from '../../src/core/experts/index.js';
import { answer, ask, fakeDeps, makeExpertConfig } from './fixtures.js';
import { loadLinearRegexEngine } from '../../src/core/regex/linear-regex.js';

const signal = () => new AbortController().signal;

function setup(config: ExpertRoutingConfig = makeExpertConfig()) {
  let clock = 1_000_000;
  const decisions: ExpertDecisionEvent[] = [];
  const router = createExpertRouter({ now: () => clock, recordDecision: (decision) => void decisions.push(decision) });
  return {
    router,
    decisions,
    route: { name: 'experts', expert: config },
    advance: (ms: number) => (clock += ms),
  };
}

// The engine is loaded on first need by the gateway's async paths; these call the synchronous parts directly.
beforeAll(loadLinearRegexEngine);

describe('LLM classifier', () => {
  test('the judge picks the expert; the request is temperature 0 with a JSON schema', async () => {
    const { router, route, decisions } = setup();
    const { deps, requests } = fakeDeps(() => answer('{"expert": "coding"}', 50, 7));
    const choice = await router.choose(route, ask('Why does my Python function not compile?'), deps, signal());
    expect(choice).toMatchObject({ source: 'llm', classifier: 'llm', tokens: 57, fallbackReason: '' });
    expect(choice.expert.name).toBe('coding');
    const judge = requests[0]!;
    expect(judge.model).toBe('judge');
    expect(judge.temperature).toBe(0);
    expect(judge.responseFormat?.type).toBe(ResponseFormatType.JSON_SCHEMA);
    expect(judge.responseFormat?.schema).toMatchObject({ properties: { expert: { enum: ['coding', 'planning', 'small-talk'] } } });
    const prompt = JSON.stringify(judge.messages);
    for (const text of ['coding', 'Programming and code', 'planning', 'Chit-chat and greetings', 'Why does my Python function']) {
      expect(prompt).toContain(text);
    }
    expect(decisions).toEqual([{ route: 'experts', expert: 'coding', source: 'llm', classifier: 'llm', latencyMs: 0, tokens: 57, time: 1_000_000 }]);
  });

  test.each([
    ['code-fenced JSON', '```json\n{"expert": "planning"}\n```', 'planning'],
    ['a near-miss by prefix', '{"expert": "plan"}', 'planning'],
    ['other casing', '{"EXPERT": "Coding"}', 'coding'],
  ])('%s is understood', async (_label, reply, expected) => {
    const { router, route } = setup();
    const choice = await router.choose(route, ask('q'), fakeDeps(() => answer(reply)).deps, signal());
    expect(choice).toMatchObject({ source: 'llm' });
    expect(choice.expert.name).toBe(expected);
  });

  test.each([
    ['garbage output', () => answer('%%% ☃ not json at all, sorry')],
    ['an unknown name', () => answer('{"expert": "legal"}')],
    ['an empty answer', () => answer('')],
  ])('%s → the fallback expert', async (_label, reply) => {
    const { router, route, decisions } = setup();
    const choice = await router.choose(route, ask('q'), fakeDeps(reply).deps, signal());
    expect(choice).toMatchObject({ source: 'fallback', fallbackReason: 'no answer', tokens: 46 });
    expect(choice.expert.name).toBe('small-talk');
    expect(decisions[0]).toMatchObject({ expert: 'small-talk', source: 'fallback' });
  });

  test('a judge error → the fallback expert', async () => {
    const { router, route } = setup();
    const deps = fakeDeps(() => Promise.reject(new Error('upstream 503'))).deps;
    const choice = await router.choose(route, ask('q'), deps, signal());
    expect(choice).toMatchObject({ source: 'fallback', fallbackReason: 'error: upstream 503' });
  });

  test('a judge slower than the timeout → the fallback expert, and its signal is aborted', async () => {
    const { router, route } = setup(makeExpertConfig({ classifier: { ...makeExpertConfig().classifier, timeoutMs: 50 } }));
    let judgeSignal: AbortSignal | undefined;
    // This judge ignores its signal: the router must not wait for it anyway.
    const deps = fakeDeps((_request, judge) => {
      judgeSignal = judge;
      return new Promise(() => {});
    }).deps;
    const started = Date.now();
    const choice = await router.choose(route, ask('q'), deps, signal());
    expect(Date.now() - started).toBeLessThan(1000);
    expect(choice).toMatchObject({ source: 'fallback', fallbackReason: 'timeout' });
    expect(choice.expert.name).toBe('small-talk');
    expect(judgeSignal?.aborted).toBe(true);
  });

  test("the caller's own cancellation is not swallowed", async () => {
    const { router, route } = setup();
    const controller = new AbortController();
    const deps = fakeDeps((_request, judge) => new Promise((_, reject) => judge.addEventListener('abort', () => reject(judge.reason)))).deps;
    const pending = router.choose(route, ask('q'), deps, controller.signal);
    controller.abort(new Error('client went away'));
    await expect(pending).rejects.toThrow('client went away');
  });
});

describe('decision cache', () => {
  test('an identical input reuses the decision for the TTL, then asks again', async () => {
    const { router, route, decisions, advance } = setup();
    const { deps, requests } = fakeDeps(() => answer('{"expert": "planning"}'));
    await router.choose(route, ask('plan my week'), deps, signal());
    const again = await router.choose(route, ask('plan my week'), deps, signal());
    expect(again).toMatchObject({ source: 'cache', latencyMs: 0, tokens: 0 });
    expect(again.expert.name).toBe('planning');
    expect(requests).toHaveLength(1);
    await router.choose(route, ask('something else'), deps, signal());
    expect(requests).toHaveLength(2);
    advance(60_001);
    expect((await router.choose(route, ask('plan my week'), deps, signal())).source).toBe('llm');
    expect(requests).toHaveLength(3);
    expect(decisions.map((decision) => decision.source)).toEqual(['llm', 'cache', 'llm', 'llm']);
  });

  test('fallbacks are not cached; TTL 0 disables the cache; another route or config does not share it', async () => {
    const { router, route } = setup(makeExpertConfig({ decisionCacheTtlMs: 0 }));
    let reply = 'garbage';
    const { deps, requests } = fakeDeps(() => answer(reply));
    expect((await router.choose(route, ask('q'), deps, signal())).source).toBe('fallback');
    reply = '{"expert": "coding"}';
    expect((await router.choose(route, ask('q'), deps, signal())).source).toBe('llm');
    expect((await router.choose(route, ask('q'), deps, signal())).source).toBe('llm');
    expect(requests).toHaveLength(3);

    const cached = setup();
    await cached.router.choose(cached.route, ask('q'), deps, signal());
    expect((await cached.router.choose({ ...cached.route, name: 'other' }, ask('q'), deps, signal())).source).toBe('llm');
    const edited = { ...cached.route, expert: makeExpertConfig({ fallbackExpert: 'coding' }) };
    expect((await cached.router.choose(edited, ask('q'), deps, signal())).source).toBe('llm');
    expect((await cached.router.choose(cached.route, ask('q'), deps, signal())).source).toBe('cache');
  });

  test('a throwing recordDecision never fails the request', async () => {
    const router = createExpertRouter({
      recordDecision: () => {
        throw new Error('db down');
      },
    });
    const choice = await router.choose({ name: 'r', expert: makeExpertConfig() }, ask('q'), fakeDeps(() => answer('{"expert":"coding"}')).deps, signal());
    expect(choice.expert.name).toBe('coding');
    const rejecting = createExpertRouter({ recordDecision: () => Promise.reject(new Error('db down')) });
    await expect(rejecting.choose({ name: 'r', expert: makeExpertConfig() }, ask('q'), fakeDeps(() => answer('x')).deps, signal())).resolves.toBeDefined();
  });
});

describe('rules classifier', () => {
  const rules = [
    { pattern: '\\b(def|function|class)\\b', keywords: [], expert: 'coding' },
    { pattern: '', keywords: ['roadmap', 'plan'], expert: 'planning' },
    { pattern: '', keywords: ['hello'], expert: 'small-talk' },
    { pattern: '', keywords: ['plan'], expert: 'small-talk' },
  ];

  test('the first matching rule wins; keywords are whole words, case-insensitive', () => {
    expect(rulesClassifier(rules, 'Write a FUNCTION to plan my roadmap')).toBe('coding');
    expect(rulesClassifier(rules, 'Hello! Can you PLAN my week?')).toBe('planning');
    expect(rulesClassifier(rules, 'hello there')).toBe('small-talk');
    expect(rulesClassifier(rules, 'the planet is round')).toBeNull();
    expect(rulesClassifier([{ pattern: '(unclosed', keywords: [], expert: 'coding' }], '(unclosed')).toBeNull();
  });

  test('through the router: a match, and no match → fallback', async () => {
    const config = makeExpertConfig({ classifier: { ...makeExpertConfig().classifier, type: 'rules', rules } });
    const { router, route } = setup(config);
    const { deps, requests } = fakeDeps(() => answer('unused'));
    expect(await router.choose(route, ask('make a roadmap'), deps, signal())).toMatchObject({ source: 'rules', tokens: 0, expert: { name: 'planning' } });
    expect(await router.choose(route, ask('nothing matches'), deps, signal())).toMatchObject({ source: 'fallback', expert: { name: 'small-talk' } });
    expect(requests).toHaveLength(0);
  });
});

describe('embedding classifier', () => {
  const embeddingConfig = (threshold: number) =>
    makeExpertConfig({ classifier: { ...makeExpertConfig().classifier, type: 'embedding', similarityThreshold: threshold } });

  test('the most similar expert above the threshold; example vectors are embedded once', async () => {
    const { router, route } = setup(embeddingConfig(0.8));
    const { deps, embedCalls } = fakeDeps(() => answer('unused'));
    const coding = await router.choose(route, ask('please fix this typescript bug'), deps, signal());
    expect(coding).toMatchObject({ source: 'embedding', classifier: 'embedding', expert: { name: 'coding' } });
    expect(coding.tokens).toBe(35); // the input and six examples
    expect(await router.choose(route, ask('a launch plan for the quarter'), deps, signal())).toMatchObject({ expert: { name: 'planning' } });
    expect(embedCalls).toHaveLength(2);
    expect(embedCalls[0]).toHaveLength(7);
    expect(embedCalls[1]).toEqual(['a launch plan for the quarter']);
  });

  test('below the threshold → the fallback expert', async () => {
    const { router, route } = setup(embeddingConfig(0.95));
    const { deps } = fakeDeps(() => answer('unused'));
    // Mixed topics: similar to several experts, to none closely.
    const choice = await router.choose(route, ask('hello, fix the plan'), deps, signal());
    expect(choice).toMatchObject({ source: 'fallback', fallbackReason: 'no answer', expert: { name: 'small-talk' } });
  });

  test('an embedding failure or wrong vector count → the fallback expert', async () => {
    const { router, route } = setup(embeddingConfig(0.5));
    const failing = { ...fakeDeps(() => answer('')).deps, embed: () => Promise.reject(new Error('no such model')) };
    expect(await router.choose(route, ask('q'), failing, signal())).toMatchObject({ source: 'fallback', fallbackReason: 'error: no such model' });
    const short = { ...fakeDeps(() => answer('')).deps, embed: async () => ({ vectors: [[1, 0, 0]], tokens: 1 }) };
    expect((await router.choose(route, ask('other'), short, signal())).source).toBe('fallback');
  });
});
