// convert-request (and the message/tool/reasoning converters behind it):
// canonical ChatRequest → the Anthropic Messages body, warnings included.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import {
  CacheTtl,
  ChatRequestSchema,
  ReasoningEffort,
  ResponseFormatType,
  Role,
  ToolChoiceMode,
} from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../../src/domain/gateway-error.js';
import { convertRequest, JSON_OBJECT_INSTRUCTION } from '../../../src/providers/anthropic/convert-request.js';
import { toAnthropicToolCallId } from '../../../src/providers/anthropic/tool-call-id.js';
import { TINY_PNG_BASE64 } from '../../fixtures/scenarios.js';

type RequestInit = MessageInitShape<typeof ChatRequestSchema>;
const text = (value: string) => ({ kind: { case: 'text' as const, value: { text: value } } });
const user = (value: string) => ({ role: Role.USER, content: [text(value)] });
const convert = (init: RequestInit) => convertRequest(create(ChatRequestSchema, init), 'claude-test');
const codes = (warnings: Array<{ code: string; param: string }>) => warnings.map((warning) => `${warning.code}:${warning.param}`);
const weather = { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } };

describe('convertRequest: messages', () => {
  it('puts system and developer text into top-level system blocks, in order, wherever they stand', () => {
    const { params } = convert({
      messages: [
        { role: Role.SYSTEM, content: [text('You are terse.')] },
        user('Hi'),
        { role: Role.DEVELOPER, content: [text('Answer in English.')] },
      ],
    });
    expect(params.system).toEqual([
      { type: 'text', text: 'You are terse.' },
      { type: 'text', text: 'Answer in English.' },
    ]);
    expect(params.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
  });

  it('merges consecutive same-role messages and keeps the turn order', () => {
    const { params } = convert({
      messages: [user('a'), user('b'), { role: Role.ASSISTANT, content: [text('c')] }, user('d')],
    });
    expect(params.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(params.messages[0]?.content).toEqual([
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
    ]);
  });

  it('sends all results of one assistant turn in ONE user message, results first, the empty one included', () => {
    const { params } = convert({
      messages: [
        user('Weather?'),
        {
          role: Role.ASSISTANT,
          content: [
            { kind: { case: 'toolCall', value: { id: 'call_a', name: 'get_weather', argumentsJson: '{"city":"Paris"}' } } },
            { kind: { case: 'toolCall', value: { id: 'call_b', name: 'get_weather', argumentsJson: '' } } },
          ],
        },
        { role: Role.TOOL, content: [{ kind: { case: 'toolResult', value: { toolCallId: 'call_a', content: [text('18C')] } } }] },
        { role: Role.USER, content: [text('and tomorrow?')] },
        { role: Role.TOOL, content: [{ kind: { case: 'toolResult', value: { toolCallId: 'call_b', content: [], isError: true } } }] },
      ],
    });
    expect(params.messages).toHaveLength(3);
    expect(params.messages[1]?.content).toEqual([
      { type: 'tool_use', id: 'call_a', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_b', name: 'get_weather', input: {} },
    ]);
    expect(params.messages[2]).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'call_a', content: [{ type: 'text', text: '18C' }] },
        // Empty content: `content` omitted (empty text blocks are rejected); is_error passed through.
        { type: 'tool_result', tool_use_id: 'call_b', is_error: true },
        { type: 'text', text: 'and tomorrow?' },
      ],
    });
  });

  it('sanitises tool call ids the same way for the call and its result', () => {
    const id = 'functions.get_weather:0';
    const { params } = convert({
      messages: [
        user('x'),
        { role: Role.ASSISTANT, content: [{ kind: { case: 'toolCall', value: { id, name: 'get_weather', argumentsJson: '{}' } } }] },
        { role: Role.TOOL, content: [{ kind: { case: 'toolResult', value: { toolCallId: id, content: [text('ok')] } } }] },
      ],
    });
    const sanitised = toAnthropicToolCallId(id);
    expect(sanitised).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(sanitised).not.toBe(toAnthropicToolCallId('functions.get_weather_0'));
    expect((params.messages[1]?.content as Array<{ id: string }>)[0]?.id).toBe(sanitised);
    expect((params.messages[2]?.content as Array<{ tool_use_id: string }>)[0]?.tool_use_id).toBe(sanitised);
    expect(toAnthropicToolCallId('toolu_01-abc')).toBe('toolu_01-abc');
  });

  it('sends URL images as url sources and bytes or data URLs as base64 sources', () => {
    const { params } = convert({
      messages: [
        {
          role: Role.USER,
          content: [
            { kind: { case: 'image', value: { source: { case: 'url', value: 'https://images.example.test/cat.png' } } } },
            { kind: { case: 'image', value: { source: { case: 'data', value: Buffer.from(TINY_PNG_BASE64, 'base64') }, mediaType: 'image/png' } } },
            { kind: { case: 'image', value: { source: { case: 'url', value: `data:image/webp;base64,${TINY_PNG_BASE64}` } } } },
            // No media type given: sniffed from the PNG signature.
            { kind: { case: 'image', value: { source: { case: 'data', value: Buffer.from(TINY_PNG_BASE64, 'base64') } } } },
          ],
        },
      ],
    });
    expect(params.messages[0]?.content).toEqual([
      { type: 'image', source: { type: 'url', url: 'https://images.example.test/cat.png' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: TINY_PNG_BASE64 } },
      { type: 'image', source: { type: 'base64', media_type: 'image/webp', data: TINY_PNG_BASE64 } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: TINY_PNG_BASE64 } },
    ]);
  });

  it('sends anthropic reasoning back byte-identical in its position and drops other families with a warning', () => {
    const { params, warnings } = convert({
      messages: [
        user('q'),
        {
          role: Role.ASSISTANT,
          content: [
            { kind: { case: 'reasoning', value: { text: ' Adding…\n', signature: 'sig+/=1', providerType: 'anthropic' } } },
            { kind: { case: 'reasoning', value: { redactedData: 'EmwKAhgBEgy', providerType: 'anthropic' } } },
            { kind: { case: 'reasoning', value: { text: '', signature: 'sig-only', providerType: 'anthropic' } } },
            { kind: { case: 'reasoning', value: { text: 'gemini thought', signature: 'g-sig', providerType: 'gemini' } } },
            text('4'),
            { kind: { case: 'toolCall', value: { id: 'call_1', name: 'calc', argumentsJson: '{"x":1}' } } },
          ],
        },
      ],
    });
    expect(params.messages[1]?.content).toEqual([
      { type: 'thinking', thinking: ' Adding…\n', signature: 'sig+/=1' },
      { type: 'redacted_thinking', data: 'EmwKAhgBEgy' },
      { type: 'thinking', thinking: '', signature: 'sig-only' },
      { type: 'text', text: '4' },
      { type: 'tool_use', id: 'call_1', name: 'calc', input: { x: 1 } },
    ]);
    expect(codes(warnings)).toEqual(['reasoning_dropped:messages[1].content[3]', 'default_applied:max_output_tokens']);
  });

  it('puts cache breakpoints on their blocks and tools as cache_control, ttl included', () => {
    const hour = { ttl: CacheTtl.ONE_HOUR };
    const fiveMinutes = { ttl: CacheTtl.FIVE_MINUTES };
    const { params, warnings } = convert({
      tools: [{ ...weather, cacheBreakpoint: hour }, { name: 'other' }],
      messages: [
        { role: Role.SYSTEM, content: [{ ...text('Long system prompt.'), cacheBreakpoint: hour }, text('Short.')] },
        {
          role: Role.USER,
          content: [{ kind: { case: 'image', value: { source: { case: 'url', value: 'https://images.example.test/cat.png' } } }, cacheBreakpoint: fiveMinutes }],
        },
        { role: Role.ASSISTANT, content: [{ kind: { case: 'toolCall', value: { id: 'call_1', name: 'get_weather', argumentsJson: '{}' } }, cacheBreakpoint: {} }] },
        {
          role: Role.TOOL,
          content: [{ kind: { case: 'toolResult', value: { toolCallId: 'call_1', content: [{ ...text('18C'), cacheBreakpoint: {} }] } }, cacheBreakpoint: {} }],
        },
      ],
      maxOutputTokens: 100,
    });
    expect(warnings).toEqual([]);
    expect(params.tools).toEqual([
      { name: 'get_weather', description: 'Weather', input_schema: weather.parameters, cache_control: { type: 'ephemeral', ttl: '1h' } },
      { name: 'other', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(params.system).toEqual([
      { type: 'text', text: 'Long system prompt.', cache_control: { type: 'ephemeral', ttl: '1h' } },
      { type: 'text', text: 'Short.' },
    ]);
    expect(params.messages.map((message) => message.content)).toEqual([
      [{ type: 'image', source: { type: 'url', url: 'https://images.example.test/cat.png' }, cache_control: { type: 'ephemeral', ttl: '5m' } }],
      [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: {}, cache_control: { type: 'ephemeral' } }],
      [{ type: 'tool_result', tool_use_id: 'call_1', content: [{ type: 'text', text: '18C', cache_control: { type: 'ephemeral' } }], cache_control: { type: 'ephemeral' } }],
    ]);
  });

  it('says so when a breakpoint cannot go: on thinking, or on a part that is not sent', () => {
    const { params, warnings } = convert({
      messages: [
        user('q'),
        {
          role: Role.ASSISTANT,
          content: [{ kind: { case: 'reasoning', value: { text: 't', signature: 's', providerType: 'anthropic' } }, cacheBreakpoint: {} }, text('a')],
        },
        { role: Role.USER, content: [{ ...text(''), cacheBreakpoint: {} }, text('next')] },
      ],
      maxOutputTokens: 100,
    });
    expect(params.messages[1]?.content).toEqual([{ type: 'thinking', thinking: 't', signature: 's' }, { type: 'text', text: 'a' }]);
    expect(params.messages[2]?.content).toEqual([{ type: 'text', text: 'next' }]);
    expect(codes(warnings)).toEqual([
      'unsupported_parameter:messages[1].content[0].cache_breakpoint',
      'unsupported_parameter:messages[2].content[0].cache_breakpoint',
    ]);
  });

  it('rejects tool call arguments that are not JSON', () => {
    const init: RequestInit = {
      messages: [{ role: Role.ASSISTANT, content: [{ kind: { case: 'toolCall', value: { id: 'c', name: 'f', argumentsJson: '{oops' } } }] }],
    };
    expect(() => convert(init)).toThrow(GatewayError);
  });
});

describe('convertRequest: tools, reasoning, limits', () => {
  it('maps tools and every tool choice mode, with parallel calls switched off where asked', () => {
    const modes: Array<[ToolChoiceMode, string, unknown]> = [
      [ToolChoiceMode.AUTO, '', { type: 'auto', disable_parallel_tool_use: true }],
      [ToolChoiceMode.REQUIRED, '', { type: 'any', disable_parallel_tool_use: true }],
      [ToolChoiceMode.TOOL, 'get_weather', { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true }],
      [ToolChoiceMode.NONE, '', { type: 'none' }],
      [ToolChoiceMode.UNSPECIFIED, '', { type: 'auto', disable_parallel_tool_use: true }],
    ];
    for (const [mode, toolName, expected] of modes) {
      const { params } = convert({ messages: [user('x')], tools: [{ ...weather, strict: true }], toolChoice: { mode, toolName }, parallelToolCalls: false });
      expect(params.tool_choice).toEqual(expected);
      expect(params.tools).toEqual([{ name: 'get_weather', description: 'Weather', input_schema: weather.parameters, strict: true }]);
    }
    expect(convert({ messages: [user('x')], tools: [weather] }).params.tool_choice).toBeUndefined();
  });

  it('maps effort to a thinking budget and defaults max_tokens to budget + 4096 with a warning', () => {
    const { params, warnings } = convert({ messages: [user('x')], reasoning: { effort: ReasoningEffort.HIGH } });
    expect(params.thinking).toEqual({ type: 'enabled', budget_tokens: 4096 });
    expect(params.max_tokens).toBe(8192);
    expect(codes(warnings)).toEqual(['default_applied:max_output_tokens']);
  });

  it('clamps budgets to the 1024 floor and below max_tokens, or leaves thinking off when nothing fits', () => {
    const minimal = convert({ messages: [user('x')], reasoning: { effort: ReasoningEffort.MINIMAL }, maxOutputTokens: 3000 });
    expect(minimal.params.thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(codes(minimal.warnings)).toEqual(['parameter_adjusted:reasoning']);

    const tight = convert({ messages: [user('x')], reasoning: { budgetTokens: 5000 }, maxOutputTokens: 2000 });
    expect(tight.params.thinking).toEqual({ type: 'enabled', budget_tokens: 1999 });
    expect(tight.params.max_tokens).toBe(2000);

    const tiny = convert({ messages: [user('x')], reasoning: { effort: ReasoningEffort.LOW }, maxOutputTokens: 500 });
    expect(tiny.params.thinking).toBeUndefined();
    expect(codes(tiny.warnings)).toEqual(['parameter_adjusted:reasoning']);
  });

  it('sends thinking disabled for effort NONE and nothing when reasoning is unset', () => {
    expect(convert({ messages: [user('x')], reasoning: { effort: ReasoningEffort.NONE }, maxOutputTokens: 10 }).params.thinking).toEqual({ type: 'disabled' });
    const plain = convert({ messages: [user('x')], maxOutputTokens: 10 });
    expect(plain.params.thinking).toBeUndefined();
    expect(plain.warnings).toEqual([]);
  });

  it('relaxes a forced tool choice to auto while thinking, with a warning', () => {
    const { params, warnings } = convert({
      messages: [user('x')],
      tools: [weather],
      toolChoice: { mode: ToolChoiceMode.REQUIRED },
      reasoning: { effort: ReasoningEffort.LOW },
      maxOutputTokens: 4096,
    });
    expect(params.tool_choice).toEqual({ type: 'auto' });
    expect(codes(warnings)).toEqual(['parameter_adjusted:tool_choice']);
  });

  it('sends a JSON schema as output_config.format, untouched', () => {
    const schema = { type: 'object', properties: { a: { $ref: '#/$defs/a' } }, $defs: { a: { type: 'string' } }, additionalProperties: false };
    const { params, warnings } = convert({
      messages: [user('x')],
      maxOutputTokens: 100,
      responseFormat: { type: ResponseFormatType.JSON_SCHEMA, schemaName: 'thing', schema, strict: true },
    });
    expect(params.output_config).toEqual({ format: { type: 'json_schema', schema } });
    expect(warnings).toEqual([]);
  });

  it('asks for a JSON object in the system prompt, with a warning', () => {
    const { params, warnings } = convert({
      messages: [{ role: Role.SYSTEM, content: [text('Be brief.')] }, user('x')],
      maxOutputTokens: 100,
      responseFormat: { type: ResponseFormatType.JSON_OBJECT },
    });
    expect(params.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: JSON_OBJECT_INSTRUCTION },
    ]);
    expect(params.output_config).toBeUndefined();
    expect(codes(warnings)).toEqual(['parameter_adjusted:response_format']);
  });

  it('passes stop sequences and user; warns about what Anthropic lacks (sampling included, see api-version.test.ts)', () => {
    const { params, warnings } = convert({
      messages: [user('x')],
      maxOutputTokens: 100,
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stop: ['END'],
      user: 'user-42',
      seed: 7n,
      presencePenalty: 0.1,
      frequencyPenalty: 0.1,
      candidateCount: 2,
      metadata: { team: 'a' },
    });
    expect(params).toMatchObject({ stop_sequences: ['END'], metadata: { user_id: 'user-42' } });
    expect(codes(warnings)).toEqual([
      'unsupported_parameter:temperature',
      'unsupported_parameter:top_p',
      'unsupported_parameter:top_k',
      'unsupported_parameter:seed',
      'unsupported_parameter:presence_penalty',
      'unsupported_parameter:frequency_penalty',
      'unsupported_parameter:candidate_count',
      'unsupported_parameter:metadata',
    ]);
  });

  it('passes provider_options through, merging output_config, refusing gateway-controlled fields', () => {
    const { params, warnings } = convert({
      messages: [user('x')],
      maxOutputTokens: 100,
      responseFormat: { type: ResponseFormatType.JSON_SCHEMA, schema: { type: 'object' } },
      providerOptions: { output_config: { effort: 'low' }, service_tier: 'standard_only', thinking: { type: 'adaptive' }, model: 'other' },
    });
    expect(params.output_config).toEqual({ format: { type: 'json_schema', schema: { type: 'object' } }, effort: 'low' });
    expect(params.service_tier).toBe('standard_only');
    expect(params.thinking).toEqual({ type: 'adaptive' });
    expect(params.model).toBe('claude-test');
    expect(codes(warnings)).toEqual(['ignored_provider_option:provider_options.model']);
  });
});
