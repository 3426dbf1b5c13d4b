// The conversion-matrix scenarios (test/fixtures/scenarios.ts) written as a
// Responses API client would send them, and the response object each family's
// fixture output should come back as through the Responses surface.
import type OpenAI from 'openai';
import { expect } from 'vitest';
import { FinishReason } from '../../../gen/llmgateway/v1/chat_pb.js';
import { decodeReasoning, encodeReasoning } from '../../../src/http/responses/encrypted-reasoning.js';
import { decodeToolCallId, encodeToolCallId } from '../../../src/http/tool-call-id.js';
import { TINY_PNG_BASE64, type ProviderFamily, type Scenario } from '../../fixtures/scenarios.js';
import { personSchema } from '../anthropic/anthropic-requests.js';

type Params = OpenAI.Responses.ResponseCreateParamsNonStreaming;

/** Scenarios the Responses API can express (it has no `stop` parameter). */
export const RESPONSES_SCENARIOS = new Set([
  'plain-text', 'system-prompt', 'multi-turn', 'image', 'one-tool-call', 'parallel-tool-calls', 'tool-result-round-trip',
  'json-schema', 'reasoning-round-trip', 'max-tokens', 'usage-cached-reasoning',
]);

const weather: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'], additionalProperties: false },
  strict: false,
};

export function responsesRequestFor(scenario: string, family: ProviderFamily): Params {
  const base = { model: `${family}/${scenario}`, store: false };
  switch (scenario) {
    case 'plain-text':
      return { ...base, input: 'Say hello' };
    case 'system-prompt':
      return { ...base, instructions: 'You are terse.', input: [{ role: 'developer', content: 'Answer in English.' }, { role: 'user', content: 'Hi' }] };
    case 'multi-turn':
      return { ...base, input: [{ role: 'user', content: 'My name is Ada.' }, { role: 'assistant', content: 'Nice to meet you, Ada.' }, { role: 'user', content: 'What is my name?' }] };
    case 'image':
      return {
        ...base,
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'Compare these images' },
              { type: 'input_image', image_url: 'https://images.example.test/cat.png', detail: 'auto' },
              { type: 'input_image', image_url: `data:image/png;base64,${TINY_PNG_BASE64}`, detail: 'auto' },
            ],
          },
        ],
      };
    case 'one-tool-call':
      return { ...base, input: 'Weather in Paris?', tools: [weather], tool_choice: 'auto' };
    case 'parallel-tool-calls':
      return { ...base, input: 'Weather in Paris and Rome?', tools: [weather], tool_choice: 'required', parallel_tool_calls: true };
    case 'tool-result-round-trip':
      return {
        ...base,
        tools: [weather],
        input: [
          { role: 'user', content: 'Weather in Paris and Rome?' },
          { type: 'function_call', call_id: encodeToolCallId('call_a', 'sig-a'), name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'function_call', call_id: 'call_b', name: 'get_weather', arguments: '{"city":"Rome"}' },
          { type: 'function_call_output', call_id: encodeToolCallId('call_a', 'sig-a'), output: '18C sunny' },
          { type: 'function_call_output', call_id: 'call_b', output: '' },
        ],
      };
    case 'json-schema':
      return { ...base, input: 'Give me a person as JSON', text: { format: { type: 'json_schema', name: 'person', schema: personSchema, strict: true } } };
    case 'reasoning-round-trip':
      return {
        ...base,
        reasoning: { effort: 'medium', summary: 'auto' },
        include: ['reasoning.encrypted_content'],
        max_output_tokens: 4096,
        input: [
          { role: 'user', content: 'What is 2+2?' },
          {
            type: 'reasoning',
            id: 'rs_earlier',
            summary: [],
            encrypted_content: encodeReasoning({ text: 'Adding small numbers.', signature: 'sig-earlier-thought', redactedData: '', providerType: family }),
          },
          { role: 'assistant', content: '4' },
          { role: 'user', content: 'And 3+3?' },
        ],
      };
    case 'max-tokens':
      return { ...base, input: 'Write an essay', max_output_tokens: 5 };
    case 'usage-cached-reasoning':
      return { ...base, input: 'Long cached prompt', reasoning: { effort: 'low' } };
    default:
      return { ...base, input: 'x' };
  }
}

/** The response object a scenario's fixture output becomes through the surface. */
export function checkResponsesAnswer(family: ProviderFamily, scenario: Scenario, response: OpenAI.Responses.Response): void {
  const output = scenario.output!;
  expect(response.object).toBe('response');
  expect(response.id).toMatch(/^resp_/);
  expect(response.model).toBe(`${family}/${scenario.name}`);
  const cut = scenario.expectedFinish === FinishReason.LENGTH;
  expect(response.status).toBe(cut ? 'incomplete' : 'completed');
  expect(response.incomplete_details).toEqual(cut ? { reason: 'max_output_tokens' } : null);

  const text = response.output.flatMap((item) => (item.type === 'message' ? item.content.map((part) => (part.type === 'output_text' ? part.text : '')) : [])).join('');
  const expectedText = (output.textPieces ?? []).join('');
  if (scenario.name === 'json-schema') expect(JSON.parse(text)).toEqual(JSON.parse(expectedText));
  else expect(text).toBe(expectedText);

  const calls = response.output.flatMap((item) => (item.type === 'function_call' ? [item] : []));
  expect(calls.map((call) => call.name)).toEqual((output.toolCalls ?? []).map((call) => call.name));
  expect(calls.map((call) => JSON.parse(call.arguments) as unknown)).toEqual((output.toolCalls ?? []).map((call) => call.arguments));
  for (const call of calls) expect(call.id).toMatch(/^fc_/);
  if (family !== 'gemini') expect(calls.map((call) => decodeToolCallId(call.call_id).id)).toEqual((output.toolCalls ?? []).map((call) => call.id));
  else expect(calls.map((call) => decodeToolCallId(call.call_id).signature)).toEqual((output.toolCalls ?? []).map((call) => call.signature ?? ''));

  const reasoning = response.output.flatMap((item) => (item.type === 'reasoning' ? [item] : []));
  if (output.reasoning && family !== 'openai') {
    expect(reasoning.flatMap((item) => item.summary.map((part) => part.text)).join('')).toBe(output.reasoning.pieces.join(''));
    const carried = reasoning.map((item) => decodeReasoning(item.encrypted_content ?? ''));
    if (family === 'anthropic') expect(carried.map((part) => part?.signature)).toEqual([output.reasoning.signature]);
  } else {
    expect(reasoning).toEqual([]);
  }
  // Reasoning first, then text, then function calls: the order the fixtures produce.
  const order = response.output.map((item) => item.type).filter((type, index, all) => all.indexOf(type) === index);
  expect(order).toEqual(['reasoning', 'message', 'function_call'].filter((type) => order.includes(type as never)));

  expect(response.usage).toMatchObject({
    input_tokens: output.usage.input,
    output_tokens: output.usage.output,
    total_tokens: output.usage.input + output.usage.output,
    input_tokens_details: { cached_tokens: output.usage.cachedInput },
  });
}
