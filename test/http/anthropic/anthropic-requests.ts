// The conversion-matrix scenarios (test/fixtures/scenarios.ts) written as an
// Anthropic client would send them, and the Anthropic-shaped answer each
// family's fixture should come back as through the shim.
import type Anthropic from '@anthropic-ai/sdk';
import { expect } from 'vitest';
import { FinishReason } from '../../../gen/llmgateway/v1/chat_pb.js';
import { decodeReasoningSignature, encodeReasoningSignature } from '../../../src/http/anthropic/reasoning-signature.js';
import { decodeToolCallId, encodeToolCallId } from '../../../src/http/tool-call-id.js';
import { TINY_PNG_BASE64, type ProviderFamily, type Scenario } from '../../fixtures/scenarios.js';

export const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
    required: ['city'],
    additionalProperties: false,
  },
};

export const personSchema = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' }, address: { $ref: '#/$defs/address' } },
  required: ['name', 'age', 'address'],
  additionalProperties: false,
  $defs: { address: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } },
};

type Params = Anthropic.MessageCreateParamsNonStreaming;
const user = (content: Anthropic.MessageParam['content']): Anthropic.MessageParam => ({ role: 'user', content });

/** An earlier thinking block as this family's answer would have rendered it. */
export const earlierThinking = (family: ProviderFamily): Anthropic.ThinkingBlockParam => ({
  type: 'thinking',
  thinking: 'Adding small numbers.',
  signature: family === 'anthropic' ? 'sig-earlier-thought' : encodeReasoningSignature(family, 'sig-earlier-thought'),
});

export function anthropicRequestFor(scenario: string, family: ProviderFamily): Params {
  const model = `${family}/${scenario}`;
  const base = { model, max_tokens: 4096 };
  switch (scenario) {
    case 'plain-text':
      return { ...base, messages: [user('Say hello')] };
    case 'system-prompt':
      return {
        ...base,
        system: [{ type: 'text', text: 'You are terse.' }, { type: 'text', text: 'Answer in English.' }],
        messages: [user('Hi')],
      };
    case 'multi-turn':
      return {
        ...base,
        messages: [user('My name is Ada.'), { role: 'assistant', content: 'Nice to meet you, Ada.' }, user('What is my name?')],
      };
    case 'image':
      return {
        ...base,
        messages: [
          user([
            { type: 'text', text: 'Compare these images' },
            { type: 'image', source: { type: 'url', url: 'https://images.example.test/cat.png' } },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: TINY_PNG_BASE64 } },
          ]),
        ],
      };
    case 'one-tool-call':
      return { ...base, messages: [user('Weather in Paris?')], tools: [weatherTool], tool_choice: { type: 'auto' } };
    case 'parallel-tool-calls':
      return { ...base, messages: [user('Weather in Paris and Rome?')], tools: [weatherTool], tool_choice: { type: 'any' } };
    case 'tool-result-round-trip':
      return {
        ...base,
        tools: [weatherTool],
        messages: [
          user('Weather in Paris and Rome?'),
          {
            role: 'assistant',
            content: [
              { type: 'tool_use', id: encodeToolCallId('call_a', 'sig-a'), name: 'get_weather', input: { city: 'Paris' } },
              { type: 'tool_use', id: 'call_b', name: 'get_weather', input: { city: 'Rome' } },
            ],
          },
          user([
            { type: 'tool_result', tool_use_id: encodeToolCallId('call_a', 'sig-a'), content: '18C sunny' },
            { type: 'tool_result', tool_use_id: 'call_b' },
          ]),
        ],
      };
    case 'json-schema':
      return { ...base, messages: [user('Give me a person as JSON')], output_config: { format: { type: 'json_schema', schema: personSchema } } };
    case 'reasoning-round-trip':
      return {
        ...base,
        thinking: { type: 'adaptive' },
        output_config: { effort: 'medium' },
        messages: [user('What is 2+2?'), { role: 'assistant', content: [earlierThinking(family), { type: 'text', text: '4' }] }, user('And 3+3?')],
      };
    case 'stop-sequence':
      return { ...base, messages: [user('Count to ten')], stop_sequences: ['5', 'END'] };
    case 'max-tokens':
      return { ...base, max_tokens: 5, messages: [user('Write an essay')] };
    case 'usage-cached-reasoning':
      return { ...base, output_config: { effort: 'low' }, messages: [user('Long cached prompt')] };
    default:
      return { ...base, messages: [user('x')] };
  }
}

const STOP_REASONS: Partial<Record<FinishReason, Anthropic.StopReason>> = {
  [FinishReason.STOP]: 'end_turn',
  [FinishReason.LENGTH]: 'max_tokens',
  [FinishReason.TOOL_CALLS]: 'tool_use',
};

/** The Anthropic message a scenario's fixture output becomes through the shim. */
export function checkAnthropicAnswer(family: ProviderFamily, scenario: Scenario, message: Anthropic.Message): void {
  const output = scenario.output!;
  expect(message.type).toBe('message');
  expect(message.role).toBe('assistant');
  expect(message.id).toMatch(/^msg_/);
  expect(message.model).toBe(`${family}/${scenario.name}`);

  const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
  const expectedText = (output.textPieces ?? []).join('');
  if (scenario.name === 'json-schema') expect(JSON.parse(text)).toEqual(JSON.parse(expectedText));
  else expect(text).toBe(expectedText);

  const calls = message.content.flatMap((block) => (block.type === 'tool_use' ? [block] : []));
  expect(calls.map((call) => call.name)).toEqual((output.toolCalls ?? []).map((call) => call.name));
  expect(calls.map((call) => call.input)).toEqual((output.toolCalls ?? []).map((call) => call.arguments));
  for (const call of calls) expect(call.id).toMatch(/^[a-zA-Z0-9_-]+$/);
  if (family !== 'gemini') expect(calls.map((call) => decodeToolCallId(call.id).id)).toEqual((output.toolCalls ?? []).map((call) => call.id));
  if (family === 'gemini') {
    expect(calls.map((call) => decodeToolCallId(call.id).signature)).toEqual((output.toolCalls ?? []).map((call) => call.signature ?? ''));
  }

  const thinking = message.content.flatMap((block) => (block.type === 'thinking' ? [block] : []));
  if (output.reasoning && family !== 'openai') {
    expect(thinking.map((block) => block.thinking).join('')).toBe(output.reasoning.pieces.join(''));
    for (const block of thinking) expect(decodeReasoningSignature(block.signature).providerType).toBe(family);
    if (family === 'anthropic') expect(thinking.map((block) => block.signature)).toEqual([output.reasoning.signature]);
  } else {
    expect(thinking).toEqual([]);
  }
  // Thinking first, then text, then tool calls: the order the fixtures produce.
  const order = message.content.map((block) => block.type).filter((type, index, all) => all.indexOf(type) === index);
  expect(order).toEqual(['thinking', 'text', 'tool_use'].filter((type) => order.includes(type as never)));

  const expectedStop = scenario.name === 'stop-sequence' && family === 'anthropic' ? 'stop_sequence' : STOP_REASONS[scenario.expectedFinish ?? FinishReason.STOP];
  expect(message.stop_reason).toBe(expectedStop);
  // Two stop sequences were asked for: Anthropic names the one that matched; the other families do not say.
  expect(message.stop_sequence).toBe(scenario.name === 'stop-sequence' && family === 'anthropic' ? '5' : null);

  const cacheWrite = family === 'anthropic' ? output.usage.cacheWrite : 0;
  expect(message.usage).toMatchObject({
    input_tokens: output.usage.input - output.usage.cachedInput - cacheWrite,
    cache_read_input_tokens: output.usage.cachedInput,
    cache_creation_input_tokens: cacheWrite,
    output_tokens: output.usage.output,
  });
}
