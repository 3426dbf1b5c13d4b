// A tool loop begun on an OpenAI-format model and continued on a Claude model
// with thinking on (a failover mid-loop, or an agent switching models): the
// assistant turn has no Claude-signed thinking block, which Anthropic — and the
// fixture, which enforces the rule — refuses while thinking is on. The gateway
// sends that request with thinking off and a warning instead.
import Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_FINAL_TEXT, AGENT_THINKING_MODEL } from '../../fixtures/anthropic-dynamic.js';
import { startShimHarness, weatherTool, type ShimHarness } from '../shim-harness.js';

let harness: ShimHarness;
let anthropic: Anthropic;
const CLAUDE = `claude/${AGENT_THINKING_MODEL}`;
const GPT = 'openai-compatible/one-tool-call';

beforeAll(async () => {
  harness = await startShimHarness(['openai-compatible', 'anthropic']);
  const fixture = harness.fixture('anthropic');
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'claude', name: 'Claude with thinking', type: 'PROVIDER_TYPE_ANTHROPIC', baseUrl: fixture.baseUrl, apiKey: fixture.apiKey,
    models: [{ upstreamModel: AGENT_THINKING_MODEL }],
  });
  anthropic = new Anthropic({ baseURL: harness.gateway.url, apiKey: harness.secret, maxRetries: 0 });
});
afterAll(async () => harness?.close());

type UpstreamBody = { thinking?: unknown; messages: Array<{ role: string; content: Array<{ type: string }> }> };
const lastClaudeBody = () => harness.fixture('anthropic').received.filter((received) => received.normalized).at(-1)!.body as UpstreamBody;
/** The warning that thinking was turned off (its param is named as the surface names it). */
const thinkingOffWarnings = (header: string | null) =>
  (JSON.parse(header ?? '[]') as Array<{ code: string; message: string }>).filter((warning) => warning.message.includes('thinking was not enabled'));

function expectThinkingOffUpstream(): void {
  const body = lastClaudeBody();
  expect(body.thinking).toBeUndefined();
  expect(body.messages.at(-2)?.content[0]?.type).toBe('tool_use');
  expect(body.messages.at(-1)?.content[0]?.type).toBe('tool_result');
}

describe('a tool loop from an OpenAI-format model continued on Claude with thinking', () => {
  it('Anthropic SDK: the second turn is served with thinking off and a warning', async () => {
    const tools: Anthropic.Tool[] = [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];
    const base = { max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 } as const, tools };
    const question: Anthropic.MessageParam = { role: 'user', content: 'Weather in Paris?' };
    const first = await anthropic.messages.create({ ...base, model: GPT, messages: [question] });
    const uses = first.content.filter((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content[0]?.type).toBe('tool_use');

    const results: Anthropic.ToolResultBlockParam[] = uses.map((use) => ({ type: 'tool_result', tool_use_id: use.id, content: '18C sunny' }));
    const { data, response } = await anthropic.messages
      .create({ ...base, model: CLAUDE, messages: [question, { role: 'assistant', content: first.content }, { role: 'user', content: results }] })
      .withResponse();
    expect(data.content).toEqual([expect.objectContaining({ type: 'text', text: AGENT_FINAL_TEXT })]);
    expectThinkingOffUpstream();
    expect(thinkingOffWarnings(response.headers.get('x-gateway-warnings'))).toEqual([
      expect.objectContaining({ code: 'parameter_adjusted', param: 'thinking' }),
    ]);
  });

  it('OpenAI SDK: reasoning_effort and a tool loop from the OpenAI-format model pass on Claude too', async () => {
    const request = (model: string, messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[]): OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming =>
      ({ model, messages, tools: [weatherTool], reasoning_effort: 'low', max_completion_tokens: 4096 });
    const question: OpenAI.Chat.Completions.ChatCompletionMessageParam = { role: 'user', content: 'Weather in Paris?' };
    const first = await harness.client.chat.completions.create(request(GPT, [question]));
    const message = first.choices[0]!.message;
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    const results = message.tool_calls!.map((call) => ({ role: 'tool' as const, tool_call_id: call.id, content: '18C sunny' }));

    const { data, response } = await harness.client.chat.completions
      .create(request(CLAUDE, [question, message, ...results]))
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(AGENT_FINAL_TEXT);
    expectThinkingOffUpstream();
    expect(thinkingOffWarnings(response.headers.get('x-gateway-warnings'))).toEqual([
      expect.objectContaining({ code: 'parameter_adjusted', param: 'reasoning_effort' }),
    ]);
  });
});
