// What each scenario's upstream request must look like, in the provider-
// neutral view every fixture records (NormalizedUpstreamRequest).
import { expect } from 'vitest';
import { TINY_PNG_BASE64, type NormalizedUpstreamRequest, type ProviderFamily } from '../fixtures/scenarios.js';

const isOpenAIFamily = (family: ProviderFamily) => family === 'openai' || family === 'azure-openai' || family === 'openai-compatible';
const texts = (received: NormalizedUpstreamRequest) => received.messages.map((message) => `${message.role}:${message.text}`);

export function checkUpstreamRequest(
  scenario: string,
  received: NormalizedUpstreamRequest,
  family: ProviderFamily,
  stream: boolean,
): void {
  // The upstream always gets the resolved upstream model, never the client's `family/scenario` string.
  expect(received.model).toBe(scenario);
  expect(received.stream).toBe(stream);
  if (stream && isOpenAIFamily(family)) expect(received.streamIncludeUsage).toBe(true);

  switch (scenario) {
    case 'plain-text':
      expect(received.system).toBe('');
      expect(texts(received)).toEqual(['user:Say hello']);
      break;
    case 'system-prompt':
      expect(received.system).toBe('You are terse.\n\nAnswer in English.');
      expect(texts(received)).toEqual(['user:Hi']);
      break;
    case 'multi-turn':
      expect(texts(received)).toEqual(['user:My name is Ada.', 'assistant:Nice to meet you, Ada.', 'user:What is my name?']);
      break;
    case 'image': {
      const images = received.messages[0]?.images ?? [];
      expect(images).toHaveLength(2);
      expect(images[0]?.url).toBe('https://images.example.test/cat.png');
      const bytes = images[1];
      expect(bytes?.base64 === TINY_PNG_BASE64 || bytes?.url === `data:image/png;base64,${TINY_PNG_BASE64}`).toBe(true);
      expect(received.messages[0]?.text).toContain('Compare these images');
      break;
    }
    case 'one-tool-call':
      expect(received.tools.map((tool) => tool.name)).toEqual(['get_weather']);
      expect(received.tools[0]?.description).toBe('Current weather for a city');
      expect(JSON.stringify(received.tools[0]?.parameters)).toContain('"city"');
      expect(received.toolChoice).toBe('auto');
      break;
    case 'parallel-tool-calls':
      expect(received.toolChoice).toBe('required');
      break;
    case 'tool-result-round-trip': {
      const assistant = received.messages.find((message) => message.role === 'assistant');
      expect(assistant?.toolCalls.map((call) => call.name)).toEqual(['get_weather', 'get_weather']);
      expect(assistant?.toolCalls.map((call) => call.arguments)).toEqual([{ city: 'Paris' }, { city: 'Rome' }]);
      const results = received.messages.flatMap((message) => message.toolResults);
      expect(results).toHaveLength(2);
      expect(results[0]?.text).toContain('18C sunny');
      expect(results[1]?.text ?? '').not.toContain('18C');
      if (family !== 'gemini') {
        expect(assistant?.toolCalls.map((call) => call.id)).toEqual(['call_a', 'call_b']);
        expect(results.map((result) => result.toolCallId)).toEqual(['call_a', 'call_b']);
      }
      if (family === 'anthropic' || family === 'gemini') {
        // All results of one assistant turn travel in one user turn.
        expect(received.messages.filter((message) => message.toolResults.length > 0)).toHaveLength(1);
      }
      if (family === 'gemini') expect(assistant?.toolCalls[0]?.signature).toBe('sig-a');
      break;
    }
    case 'json-schema':
      expect(received.responseFormat.type).not.toBe('');
      if (isOpenAIFamily(family)) {
        expect(received.responseFormat.type).toBe('json_schema');
        expect(received.responseFormat.schema).toMatchObject({ type: 'object', required: ['name', 'age', 'address'] });
      }
      break;
    case 'reasoning-round-trip': {
      const assistant = received.messages.find((message) => message.role === 'assistant');
      if (family === 'anthropic' || family === 'gemini') {
        expect(assistant?.reasoning).toEqual([{ text: 'Adding small numbers.', signature: 'sig-earlier-thought' }]);
      }
      if (family === 'openai-compatible') expect(assistant?.reasoning.map((part) => part.text)).toEqual(['Adding small numbers.']);
      if (family === 'anthropic' || family === 'gemini') expect(received.reasoningBudget).toBeGreaterThan(0);
      else expect(received.reasoningEffort).toBe('medium');
      break;
    }
    case 'stop-sequence':
      expect(received.stop).toEqual(['5', 'END']);
      break;
    case 'max-tokens':
      expect(received.maxOutputTokens).toBe(5);
      break;
    default:
      break;
  }
}
