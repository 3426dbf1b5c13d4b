// The official @google/genai client against the gateway's Gemini surface,
// served by fixture upstreams of four families (OpenAI, OpenAI-compatible,
// Anthropic, Gemini):
// generateContent, generateContentStream, tool calls and their results,
// thought signatures round-tripped, countTokens, embedContent, models.list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionCallingConfigMode, type Content, type GenerateContentResponse } from '@google/genai';
import { checkUpstreamRequest } from '../../completion/upstream-checks.js';
import { encodeThoughtSignature } from '../../../src/http/gemini/thought-signature.js';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';
import { geminiClient, lastUpstreamRequest, weatherDeclaration } from './gemini-harness.js';

const FAMILIES = ['openai', 'openai-compatible', 'anthropic', 'gemini'] as const;
let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness([...FAMILIES]);
});
afterAll(async () => harness?.close());

describe.each(FAMILIES)('@google/genai → %s upstream', (family) => {
  const ai = () => geminiClient(harness);

  it('generateContent: text, finish reason, usage, gateway headers', async () => {
    const response = await ai().models.generateContent({ model: `${family}/plain-text`, contents: 'Say hello' });
    expect(response.text).toBe('Hello, world!');
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 9, candidatesTokenCount: 4, totalTokenCount: 13 });
    expect(response.sdkHttpResponse?.headers?.['x-gateway-provider']).toBe(family);
    checkUpstreamRequest('plain-text', lastUpstreamRequest(harness, family), family, false);
  });

  it('generateContentStream: the same text in pieces, usage and STOP on the last chunk', async () => {
    const chunks: GenerateContentResponse[] = [];
    for await (const chunk of await ai().models.generateContentStream({ model: `${family}/plain-text`, contents: 'Say hello' })) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((chunk) => chunk.text ?? '').join('')).toBe('Hello, world!');
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(chunks.at(-1)?.usageMetadata).toMatchObject({ promptTokenCount: 9, candidatesTokenCount: 4 });
    checkUpstreamRequest('plain-text', lastUpstreamRequest(harness, family), family, true);
  });

  it('a streamed chat keeps its history: the second turn reaches the upstream with the first (the SDK drops a turn with an empty chunk)', async () => {
    const chat = ai().chats.create({ model: `${family}/plain-text` });
    for await (const chunk of await chat.sendMessageStream({ message: 'First question' })) void chunk;
    for await (const chunk of await chat.sendMessageStream({ message: 'Second question' })) void chunk;
    // The SDK keeps one model content per chunk: the turns are the runs of one role.
    const turns = chat.getHistory(true).map((content) => content.role).filter((role, index, roles) => role !== roles[index - 1]);
    expect(turns).toEqual(['user', 'model', 'user', 'model']);
    // The SDK's model contents (one per chunk) are one assistant turn again, its text pieces whole (docs/edges.md).
    const sent = lastUpstreamRequest(harness, family).messages;
    expect(sent.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent[1]?.text).toBe('Hello, world!');
  });

  it('system instruction and a multi-turn conversation reach the upstream in order', async () => {
    await ai().models.generateContent({
      model: `${family}/system-prompt`,
      contents: 'Hi',
      config: { systemInstruction: { parts: [{ text: 'You are terse.' }, { text: 'Answer in English.' }] } },
    });
    checkUpstreamRequest('system-prompt', lastUpstreamRequest(harness, family), family, false);
    await ai().models.generateContent({
      model: `${family}/multi-turn`,
      contents: [
        { role: 'user', parts: [{ text: 'My name is Ada.' }] },
        { role: 'model', parts: [{ text: 'Nice to meet you, Ada.' }] },
        { role: 'user', parts: [{ text: 'What is my name?' }] },
      ],
    });
    checkUpstreamRequest('multi-turn', lastUpstreamRequest(harness, family), family, false);
  });

  it('a function call comes back as functionCall, unary and streamed (Gemini’s signature on the part)', async () => {
    const config = { tools: [{ functionDeclarations: [weatherDeclaration] }], toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.AUTO } } };
    const response = await ai().models.generateContent({ model: `${family}/one-tool-call`, contents: 'Weather in Paris?', config });
    expect(response.functionCalls?.map((call) => [call.name, call.args])).toEqual([['get_weather', { city: 'Paris', unit: 'c' }]]);
    const part = response.candidates?.[0]?.content?.parts?.find((candidate) => candidate.functionCall);
    if (family === 'gemini') expect(part?.thoughtSignature).toBe('sig-call-paris');
    checkUpstreamRequest('one-tool-call', lastUpstreamRequest(harness, family), family, false);

    const calls = [];
    for await (const chunk of await ai().models.generateContentStream({ model: `${family}/parallel-tool-calls`, contents: 'Weather in Paris and Rome?', config }))
      calls.push(...(chunk.functionCalls ?? []));
    expect(calls.map((call) => call.args)).toEqual([{ city: 'Paris' }, { city: 'Rome' }]);
  });

  it('function responses go back in one user turn, paired with their calls', async () => {
    const contents: Content[] = [
      { role: 'user', parts: [{ text: 'Weather in Paris and Rome?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { id: 'call_a', name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'sig-a' },
          { functionCall: { id: 'call_b', name: 'get_weather', args: { city: 'Rome' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { id: 'call_a', name: 'get_weather', response: { content: '18C sunny' } } },
          { functionResponse: { id: 'call_b', name: 'get_weather', response: { content: '' } } },
        ],
      },
    ];
    const response = await ai().models.generateContent({ model: `${family}/tool-result-round-trip`, contents, config: { tools: [{ functionDeclarations: [weatherDeclaration] }] } });
    expect(response.text).toBe('Paris is sunny; Rome unknown.');
    checkUpstreamRequest('tool-result-round-trip', lastUpstreamRequest(harness, family), family, false);
  });

  it('function calls without ids (as Gemini sends them) are paired with their responses by name and order', async () => {
    const contents: Content[] = [
      { role: 'user', parts: [{ text: 'Weather in Paris and Rome?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }, { functionCall: { name: 'get_weather', args: { city: 'Rome' } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { content: '18C sunny' } } }, { functionResponse: { name: 'get_weather', response: { content: '' } } }] },
    ];
    await ai().models.generateContent({ model: `${family}/tool-result-round-trip`, contents, config: { tools: [{ functionDeclarations: [weatherDeclaration] }] } });
    const received = lastUpstreamRequest(harness, family);
    const callIds = received.messages.flatMap((message) => message.toolCalls.map((call) => call.id));
    const resultIds = received.messages.flatMap((message) => message.toolResults.map((result) => result.toolCallId));
    if (family !== 'gemini') expect(resultIds).toEqual(callIds);
    expect(received.messages.flatMap((message) => message.toolResults.map((result) => result.text))[0]).toContain('18C sunny');
  });

  it('thoughts come back as thought parts whose signature returns them to the family that made them', async () => {
    const config = { thinkingConfig: { thinkingLevel: 'MEDIUM' as never, includeThoughts: true }, maxOutputTokens: 4096 };
    const earlier = encodeThoughtSignature({ providerType: family, signature: 'sig-earlier-thought', redactedData: '' });
    const contents: Content[] = [
      { role: 'user', parts: [{ text: 'What is 2+2?' }] },
      { role: 'model', parts: [{ text: 'Adding small numbers.', thought: true, thoughtSignature: earlier }, { text: '4' }] },
      { role: 'user', parts: [{ text: 'And 3+3?' }] },
    ];
    const response = await ai().models.generateContent({ model: `${family}/reasoning-round-trip`, contents, config });
    const parts = response.candidates?.[0]?.content?.parts ?? [];
    const thought = parts.find((part) => part.thought);
    const answer = parts.filter((part) => !part.thought);
    expect(answer.map((part) => part.text).join('')).toBe('6');
    if (family === 'anthropic') {
      expect(thought?.text).toBe('Three plus three is six.');
      // Anthropic's signature comes marked with its origin, so it goes back to Anthropic only.
      expect(thought?.thoughtSignature).toBe(encodeThoughtSignature({ providerType: 'anthropic', signature: 'sig-new-thought', redactedData: '' }));
      expect(earlier).toMatch(/^gw1\./);
    }
    if (family === 'gemini') {
      expect(thought?.text).toBe('Three plus three is six.');
      // Gemini signs the first part after its thoughts; its own signatures pass unchanged.
      expect(answer[0]?.thoughtSignature).toBe('sig-new-thought');
      expect(earlier).toBe('sig-earlier-thought');
    }
    checkUpstreamRequest('reasoning-round-trip', lastUpstreamRequest(harness, family), family, false);
  });

  it('countTokens answers totalTokens', async () => {
    const counted = await ai().models.countTokens({ model: `${family}/plain-text`, contents: 'Say hello' });
    expect(counted.totalTokens).toBeGreaterThan(0);
  });
});

describe.each(['openai', 'gemini'] as const)('embeddings through @google/genai → %s upstream', (family) => {
  it('embedContent with one and with several contents', async () => {
    const one = await geminiClient(harness).models.embedContent({ model: `${family}/embedding-model`, contents: 'hello' });
    expect(one.embeddings).toHaveLength(1);
    expect(one.embeddings?.[0]?.values?.length).toBeGreaterThan(0);
    const several = await geminiClient(harness).models.embedContent({ model: `${family}/embedding-model`, contents: ['hello', 'world'], config: { outputDimensionality: 8 } });
    expect(several.embeddings?.map((embedding) => embedding.values?.length)).toEqual([8, 8]);
    expect(several.embeddings?.[0]?.values).not.toEqual(several.embeddings?.[1]?.values);
  });
});

describe('models', () => {
  it('models.list pages through every model the key may use, and models.get reads one', async () => {
    const names: string[] = [];
    const pager = await geminiClient(harness).models.list({ config: { pageSize: 7 } });
    for await (const model of pager) names.push(model.name ?? '');
    expect(names).toContain('models/gemini/plain-text');
    expect(names).toContain('models/anthropic/embedding-model');
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThan(7);
    const model = await geminiClient(harness).models.get({ model: 'openai/plain-text' });
    expect(model.name).toBe('models/openai/plain-text');
  });
});
