// Regex prompt rules and tool results, through each surface's official client: a rule whose roles
// include ROLE_TOOL rewrites a tool result's text whichever message carries it (an OpenAI tool
// message, an Anthropic tool_result in a user turn, a Responses function_call_output, a Gemini
// functionResponse), and is reported in x-gateway-rules; a default-roles rule (user + system) rewrites
// the user's own text only. The fixture upstreams record what they received.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { GoogleGenAI } from '@google/genai';
import type { NormalizedUpstreamRequest, ProviderFamily } from '../fixtures/scenarios.js';
import { startShimHarness, weatherTool, type ShimHarness } from '../http/shim-harness.js';
import { weatherDeclaration } from '../http/gemini/gemini-harness.js';

let harness: ShimHarness;
let secret: string;

beforeAll(async () => {
  harness = await startShimHarness(['openai', 'anthropic', 'gemini']);
  const created = (await harness.admin('KeysService/CreateKey', { name: 'redacted-tools' })) as { key: { id: string }; secret: string };
  secret = created.secret;
  const rule = { scope: 'PROMPT_RULE_SCOPE_KEY', scopeId: created.key.id, operation: 'PROMPT_RULE_OPERATION_REGEX_REPLACE', flags: 'gi' };
  // Default roles (system + user).
  await harness.admin('PromptRulesService/CreatePromptRule', { ...rule, name: 'redact-user', pattern: 'zorkmid', replacement: '[user-redacted]' });
  await harness.admin('PromptRulesService/CreatePromptRule', { ...rule, name: 'redact-tool', pattern: 'quux', replacement: '[tool-redacted]', roles: ['ROLE_TOOL'] });
});
afterAll(async () => harness?.close());

function upstream(family: ProviderFamily): { userText: string; toolTexts: string[]; toolCallArguments: unknown[] } {
  const received: NormalizedUpstreamRequest | undefined = harness.fixture(family).received.filter((request) => request.normalized).at(-1)?.normalized;
  if (!received) throw new Error(`the ${family} upstream received no chat request`);
  return {
    userText: received.messages.map((message) => message.text).join('|'),
    toolTexts: received.messages.flatMap((message) => message.toolResults.map((result) => result.text)),
    toolCallArguments: received.messages.flatMap((message) => message.toolCalls.map((call) => call.arguments)),
  };
}

// Both words everywhere: the user rule must take only the user's text, the tool rule only the tool's.
const TOOL_OUTPUT = 'tool says quux and zorkmid';
const TOOL_REDACTED = 'tool says [tool-redacted] and zorkmid';

describe('a ROLE_TOOL regex rule rewrites tool results', () => {
  it('OpenAI chat: a role "tool" message (string and text parts); arguments on the assistant turn untouched', async () => {
    const openai = new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: secret, maxRetries: 0 });
    const { response } = await openai.chat.completions
      .create({
        model: 'openai/plain-text',
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'weather for zorkmid and quux?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"quux"}' } },
              { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"zorkmid"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: TOOL_OUTPUT },
          { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'first quux' }, { type: 'text', text: 'second QUUX' }] },
        ],
      })
      .withResponse();
    expect(response.headers.get('x-gateway-rules')).toBe('redact-tool, redact-user');
    const received = upstream('openai');
    expect(received.toolTexts).toEqual([TOOL_REDACTED, expect.stringMatching(/^first \[tool-redacted\]\n*second \[tool-redacted\]$/)]);
    expect(received.userText).toContain('weather for [user-redacted] and quux?');
    expect(received.toolCallArguments).toEqual([{ city: 'quux' }, { city: 'zorkmid' }]);
  });

  it('Anthropic: a tool_result block inside a user turn (text blocks and a string), beside the user text', async () => {
    const anthropic = new Anthropic({ baseURL: harness.gateway.url, apiKey: secret, maxRetries: 0 });
    const { response } = await anthropic.messages
      .create({
        model: 'anthropic/plain-text',
        max_tokens: 64,
        messages: [
          { role: 'user', content: 'weather?' },
          {
            role: 'assistant',
            content: [
              { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'quux' } },
              { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: TOOL_OUTPUT }] },
              { type: 'tool_result', tool_use_id: 'toolu_2', content: 'hidden quux' },
              { type: 'text', text: 'plain zorkmid and quux' },
            ],
          },
        ],
      })
      .withResponse();
    expect(response.headers.get('x-gateway-rules')).toBe('redact-tool, redact-user');
    const received = upstream('anthropic');
    expect(received.toolTexts).toEqual([TOOL_REDACTED, 'hidden [tool-redacted]']);
    expect(received.userText).toContain('plain [user-redacted] and quux');
    expect(received.toolCallArguments).toEqual([{ city: 'quux' }, { city: 'Rome' }]);
  });

  it('Responses: a function_call_output item (a string and input_text parts)', async () => {
    const openai = new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: secret, maxRetries: 0 });
    const { response } = await openai.responses
      .create({
        model: 'openai/plain-text',
        store: false,
        input: [
          { role: 'user', content: 'weather for zorkmid?' },
          { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"quux"}' },
          { type: 'function_call_output', call_id: 'call_1', output: TOOL_OUTPUT },
          { type: 'function_call', call_id: 'call_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
          { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'fc quux' }] },
        ],
      })
      .withResponse();
    expect(response.headers.get('x-gateway-rules')).toBe('redact-tool, redact-user');
    const received = upstream('openai');
    expect(received.toolTexts).toEqual([TOOL_REDACTED, 'fc [tool-redacted]']);
    expect(received.userText).toContain('weather for [user-redacted]?');
    expect(received.toolCallArguments).toEqual([{ city: 'quux' }, { city: 'Rome' }]);
  });

  it('Gemini: a functionResponse in a user turn ({content} and a structured response, as its JSON text)', async () => {
    const ai = new GoogleGenAI({ apiKey: secret, apiVersion: 'v1beta', httpOptions: { baseUrl: harness.gateway.url, retryOptions: { attempts: 1 } } });
    const response = await ai.models.generateContent({
      model: 'gemini/plain-text',
      config: { tools: [{ functionDeclarations: [weatherDeclaration] }] },
      contents: [
        { role: 'user', parts: [{ text: 'weather for zorkmid?' }] },
        {
          role: 'model',
          parts: [
            { functionCall: { id: 'call_1', name: 'get_weather', args: { city: 'quux' } } },
            { functionCall: { id: 'call_2', name: 'get_weather', args: { city: 'Rome' } } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { id: 'call_1', name: 'get_weather', response: { content: TOOL_OUTPUT } } },
            { functionResponse: { id: 'call_2', name: 'get_weather', response: { temp: 18, sky: 'quux' } } },
          ],
        },
      ],
    });
    expect(response.sdkHttpResponse?.headers?.['x-gateway-rules']).toBe('redact-tool, redact-user');
    const received = upstream('gemini');
    expect(received.toolTexts).toEqual([TOOL_REDACTED, '{"temp":18,"sky":"[tool-redacted]"}']);
    expect(received.userText).toContain('weather for [user-redacted]?');
    expect(received.toolCallArguments).toEqual([{ city: 'quux' }, { city: 'Rome' }]);
  });

  it('a default-roles rule alone leaves tool results as sent, and only it is reported', async () => {
    const openai = new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: secret, maxRetries: 0 });
    const { response } = await openai.chat.completions
      .create({
        model: 'openai/plain-text',
        messages: [
          { role: 'user', content: 'zorkmid?' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: 'zorkmid only' },
        ],
      })
      .withResponse();
    expect(response.headers.get('x-gateway-rules')).toBe('redact-user');
    expect(upstream('openai').toolTexts).toEqual(['zorkmid only']);
  });
});
