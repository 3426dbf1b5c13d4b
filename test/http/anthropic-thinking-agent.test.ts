// An agent loop on the OpenAI SDK against a Claude model with thinking: the
// fixture, like the API, refuses a tool_result turn whose assistant turn does
// not start with its signed thinking block. The gateway carries the block in
// the tool-call id, so echoing the assistant message (whole, or rebuilt from
// content and tool_calls) is enough for the second turn to pass. A client that
// loses the block gets the turn with thinking off and a warning (thinking-continuation.ts).
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureSignature } from '../fixtures/anthropic-checks.js';
import { AGENT_FINAL_TEXT, AGENT_THINKING_MODEL, AGENT_THINKING_PIECES } from '../fixtures/anthropic-dynamic.js';
import { decodeToolCallId } from '../../src/http/tool-call-id.js';
import { startShimHarness, weatherTool, type ShimHarness } from './shim-harness.js';

type Params = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
type MessageParam = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type FunctionCall = OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;

let harness: ShimHarness;
const MODEL = `claude/${AGENT_THINKING_MODEL}`;
const THINKING = AGENT_THINKING_PIECES.join('');

beforeAll(async () => {
  harness = await startShimHarness(['anthropic']);
  const fixture = harness.fixture('anthropic');
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'claude', name: 'Claude with thinking', type: 'PROVIDER_TYPE_ANTHROPIC', baseUrl: fixture.baseUrl, apiKey: fixture.apiKey,
    models: [{ upstreamModel: AGENT_THINKING_MODEL }],
  });
});
afterAll(async () => harness?.close());

const request = (messages: MessageParam[]): Params => ({
  model: MODEL,
  messages,
  tools: [weatherTool],
  reasoning_effort: 'medium',
  max_completion_tokens: 4096,
});
const question: MessageParam = { role: 'user', content: 'Weather in Paris?' };
const lastUpstream = () => harness.fixture('anthropic').received.filter((received) => received.normalized).at(-1)!;

/** The second turn: the assistant message as echoed, then one tool result per call. */
async function secondTurn(assistant: MessageParam & { tool_calls?: OpenAI.Chat.Completions.ChatCompletionMessageToolCall[] }) {
  const results: MessageParam[] = (assistant.tool_calls ?? []).map((call) => ({ role: 'tool', tool_call_id: call.id, content: '18C sunny' }));
  return harness.client.chat.completions.create(request([question, assistant, ...results]));
}

function expectThinkingWentBack(): void {
  const body = lastUpstream().body as { thinking?: unknown; messages: Array<{ role: string; content: Array<Record<string, unknown>> }> };
  expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 2048 });
  const assistant = body.messages[1]!;
  // Byte-identical and first, as the API requires; the call and its result keep the provider's id.
  expect(assistant.content[0]).toEqual({ type: 'thinking', thinking: THINKING, signature: fixtureSignature(THINKING) });
  expect(assistant.content.at(-1)).toMatchObject({ type: 'tool_use', id: 'toolu_agent_1', input: { city: 'Paris' } });
  expect(body.messages[2]?.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_agent_1' });
}

describe('OpenAI SDK agent loop on a Claude model with thinking', () => {
  it('unary: the SDK’s assistant message pushed back as is → the second turn passes with the signed thinking', async () => {
    const first = await harness.client.chat.completions.create(request([question]));
    const message = first.choices[0]!.message;
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect((message as { reasoning_content?: string }).reasoning_content).toBe(THINKING);
    const call = message.tool_calls![0] as FunctionCall;
    expect(decodeToolCallId(call.id).id).toBe('toolu_agent_1');
    expect(call.id).toMatch(/^[A-Za-z0-9_-]+$/);

    const second = await secondTurn(message);
    expect(second.choices[0]?.message.content).toBe(AGENT_FINAL_TEXT);
    expectThinkingWentBack();
  });

  it('stream: the message finalChatCompletion() assembles, rebuilt from content and tool_calls only, passes too', async () => {
    const final = await harness.client.chat.completions.stream({ ...request([question]), stream: true }).finalChatCompletion();
    const message = final.choices[0]!.message;
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    const second = await secondTurn({ role: 'assistant', content: message.content, tool_calls: message.tool_calls });
    expect(second.choices[0]?.message.content).toBe(AGENT_FINAL_TEXT);
    expectThinkingWentBack();
  });

  it('a client that rewrites the ids loses the thinking: the turn goes with thinking off and a warning, not a 400', async () => {
    const first = await harness.client.chat.completions.create(request([question]));
    const message = first.choices[0]!.message;
    const stripped = message.tool_calls!.map((call) => ({ ...call, id: decodeToolCallId(call.id).id }));
    const { data, response } = await harness.client.chat.completions
      .create(request([question, { role: 'assistant', content: message.content, tool_calls: stripped }, { role: 'tool', tool_call_id: 'toolu_agent_1', content: '18C sunny' }]))
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(AGENT_FINAL_TEXT);
    expect((lastUpstream().body as { thinking?: unknown }).thinking).toBeUndefined();
    expect(response.headers.get('x-gateway-warnings')).toContain('thinking was not enabled');
  });
});
