// @google/genai's streaming chat keeps one model content per streamed chunk
// (test/http/gemini/gemini-client.test.ts): a model turn is a run of model
// contents. Sent back, that run is one assistant turn again — text pieces
// whole, the reasoning on the turn with its tool call — so a DeepSeek thinking
// model, which refuses two assistant messages in a row and a tool-call turn
// without its reasoning_content, takes the second turn.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Part } from '@google/genai';
import { FIXTURE_ANSWER, FIXTURE_REASONING } from '../../fixtures/compatible-host-upstream.js';
import { startCompatibleHosts, type CompatibleHosts } from '../compatible-hosts-harness.js';

let hosts: CompatibleHosts;
beforeAll(async () => {
  hosts = await startCompatibleHosts();
});
afterAll(async () => hosts?.close());

const weather = { name: 'get_weather', description: 'Weather for a city', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } } };

describe('@google/genai streaming chat → DeepSeek thinking model', () => {
  it('a tool loop: the chunked model turn reaches DeepSeek as one assistant message with its reasoning and call', async () => {
    const chat = hosts.clients.gemini.chats.create({
      model: 'deepseek/deepseek-reasoner',
      config: { tools: [{ functionDeclarations: [weather] }], thinkingConfig: { includeThoughts: true } },
    });
    const parts: Part[] = [];
    for await (const chunk of await chat.sendMessageStream({ message: 'Weather in Paris?' })) parts.push(...(chunk.candidates?.[0]?.content?.parts ?? []));
    const call = parts.find((part) => part.functionCall)?.functionCall;
    expect(call).toMatchObject({ name: 'get_weather', args: { city: 'Paris' } });
    expect(chat.getHistory(true).filter((content) => content.role === 'model').length).toBeGreaterThan(1);

    let text = '';
    const reply = [{ functionResponse: { id: call?.id, name: 'get_weather', response: { content: 'sunny' } } }];
    for await (const chunk of await chat.sendMessageStream({ message: reply })) text += chunk.text ?? '';
    expect(text).toBe(FIXTURE_ANSWER);

    const sent = hosts.lastBody('deepseek')['messages'] as Array<Record<string, unknown>>;
    expect(sent.map((message) => message['role'])).toEqual(['user', 'assistant', 'tool']);
    expect(sent[1]).toMatchObject({ reasoning_content: FIXTURE_REASONING, tool_calls: [{ id: call?.id, function: { name: 'get_weather' } }] });

    // And the answer (text streamed in pieces) goes back whole on the next turn.
    for await (const chunk of await chat.sendMessageStream({ message: 'Thanks!' })) void chunk;
    const next = hosts.lastBody('deepseek')['messages'] as Array<Record<string, unknown>>;
    expect(next.map((message) => message['role'])).toEqual(['user', 'assistant', 'tool', 'assistant', 'user']);
    expect(next[3]).toMatchObject({ content: FIXTURE_ANSWER, reasoning_content: FIXTURE_REASONING });
  });
});
