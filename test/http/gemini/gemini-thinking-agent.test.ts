// An agent loop on @google/genai's chat against a Claude model with thinking:
// the fixture, like the API, refuses a tool_result turn whose assistant turn
// does not start with its thinking block, and a thinking block whose text is
// not the one its signature was issued for. A stream shows the thinking as it
// comes (one thought part per delta) and its signature on a last thought part;
// the chat history keeps every part (in streams, one model content per chunk),
// so the second turn must put the parts back together into one block. A
// Gemini model's streamed thoughts, on the other hand, go back as they came.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chat, Content, GenerateContentResponse, Part } from '@google/genai';
import { fixtureSignature } from '../../fixtures/anthropic-checks.js';
import { AGENT_FINAL_TEXT, AGENT_THINKING_MODEL, AGENT_THINKING_PIECES } from '../../fixtures/anthropic-dynamic.js';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';
import { geminiClient, weatherDeclaration } from './gemini-harness.js';

let harness: ShimHarness;
const MODEL = `claude/${AGENT_THINKING_MODEL}`;
const THINKING = AGENT_THINKING_PIECES.join('');

beforeAll(async () => {
  harness = await startShimHarness(['anthropic', 'gemini']);
  const fixture = harness.fixture('anthropic');
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'claude', name: 'Claude with thinking', type: 'PROVIDER_TYPE_ANTHROPIC', baseUrl: fixture.baseUrl, apiKey: fixture.apiKey,
    models: [{ upstreamModel: AGENT_THINKING_MODEL }],
  });
});
afterAll(async () => harness?.close());

const newChat = (): Chat =>
  geminiClient(harness).chats.create({
    model: MODEL,
    config: { tools: [{ functionDeclarations: [weatherDeclaration] }], thinkingConfig: { thinkingBudget: 2048, includeThoughts: true }, maxOutputTokens: 4096 },
  });
const lastUpstream = () => harness.fixture('anthropic').received.filter((received) => received.normalized).at(-1)!;
const warningsOf = (response: GenerateContentResponse | undefined): unknown[] =>
  JSON.parse(response?.sdkHttpResponse?.headers?.['x-gateway-warnings'] ?? '[]') as unknown[];

/** The function response for the call the first turn made. */
function answerTo(parts: Part[]): Part[] {
  const call = parts.find((part) => part.functionCall)?.functionCall;
  expect(call).toMatchObject({ name: 'get_weather', args: { city: 'Paris' } });
  return [{ functionResponse: { id: call?.id, name: 'get_weather', response: { content: '18C sunny' } } }];
}

function expectThinkingWentBack(): void {
  const body = lastUpstream().body as { messages: Array<{ role: string; content: Array<Record<string, unknown>> }> };
  const assistant = body.messages[1]!;
  // Byte-identical, whole and first, as the API requires.
  expect(assistant.content[0]).toEqual({ type: 'thinking', thinking: THINKING, signature: fixtureSignature(THINKING) });
  expect(assistant.content.filter((block) => block.type === 'thinking')).toHaveLength(1);
  expect(assistant.content.at(-1)).toMatchObject({ type: 'tool_use', id: 'toolu_agent_1', input: { city: 'Paris' } });
}

describe('@google/genai chat agent loop on a Claude model with thinking', () => {
  it('stream: the thinking, shown as several thought parts, goes back as one signed block and the second turn passes', async () => {
    const chat = newChat();
    const parts: Part[] = [];
    for await (const chunk of await chat.sendMessageStream({ message: 'Weather in Paris?' })) parts.push(...(chunk.candidates?.[0]?.content?.parts ?? []));
    const thoughts = parts.filter((part) => part.thought);
    expect(thoughts.length).toBeGreaterThan(2);
    expect(thoughts.map((part) => part.text).join('')).toBe(THINKING);

    const second: GenerateContentResponse[] = [];
    for await (const chunk of await chat.sendMessageStream({ message: answerTo(parts) })) second.push(chunk);
    expect(second.map((chunk) => chunk.text ?? '').join('')).toBe(AGENT_FINAL_TEXT);
    expect(second[0]?.sdkHttpResponse?.headers).toBeDefined();
    expect(warningsOf(second[0])).toEqual([]);
    expectThinkingWentBack();
  });

  it('unary: the one signed thought part goes back as it came', async () => {
    const chat = newChat();
    const first = await chat.sendMessage({ message: 'Weather in Paris?' });
    const parts = first.candidates?.[0]?.content?.parts ?? [];
    expect(parts.filter((part) => part.thought).map((part) => part.text)).toEqual([THINKING]);

    const second = await chat.sendMessage({ message: answerTo(parts) });
    expect(second.text).toBe(AGENT_FINAL_TEXT);
    expect(warningsOf(second)).toEqual([]);
    expectThinkingWentBack();
  });
});

describe('@google/genai on a Gemini model with thinking', () => {
  it('its streamed thoughts go back to it as the parts they came in, its signature on its own part', async () => {
    const ai = geminiClient(harness);
    const request = { model: 'gemini/reasoning-round-trip', config: { thinkingConfig: { includeThoughts: true } } };
    const question: Content = { role: 'user', parts: [{ text: 'What is 3+3?' }] };
    const parts: Part[] = [];
    for await (const chunk of await ai.models.generateContentStream({ ...request, contents: [question] })) parts.push(...(chunk.candidates?.[0]?.content?.parts ?? []));
    const contents: Content[] = [question, { role: 'model', parts }, { role: 'user', parts: [{ text: 'And 4+4?' }] }];
    for await (const chunk of await ai.models.generateContentStream({ ...request, contents })) expect(chunk.candidates).toBeDefined();
    const received = harness.fixture('gemini').received.filter((recorded) => recorded.normalized).at(-1)!;
    expect((received.body as { contents: Content[] }).contents[1]?.parts).toEqual([
      { text: 'Three plus ', thought: true },
      { text: 'three is six.', thought: true },
      { text: '6', thoughtSignature: 'sig-new-thought' },
    ]);
  });
});
