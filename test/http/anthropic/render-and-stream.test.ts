// Canonical responses and stream chunks → Anthropic JSON and events, the error
// table, field renaming, the warnings header and the signature codec (pure).
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { ChatResponseSchema, FinishReason, Role, StreamChunkSchema, WarningSchema } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError, invalidArgument } from '../../../src/domain/gateway-error.js';
import { warningsHeader } from '../../../src/http/anthropic/gateway-headers.js';
import { mapError } from '../../../src/http/anthropic/map-error.js';
import { toAnthropicParam } from '../../../src/http/anthropic/param-names.js';
import { decodeReasoningSignature, encodeReasoningSignature } from '../../../src/http/anthropic/reasoning-signature.js';
import { renderMessage, renderStopReason } from '../../../src/http/anthropic/render-response.js';
import { StreamRenderer } from '../../../src/http/anthropic/render-stream.js';
import { encodeToolCallId } from '../../../src/http/tool-call-id.js';

describe('renderMessage', () => {
  it('renders blocks in order, tool input parsed, stop reason and usage excluding cache', () => {
    const response = create(ChatResponseSchema, {
      id: 'gen-abc',
      model: 'openai/gpt',
      choices: [
        {
          index: 0,
          finishReason: FinishReason.TOOL_CALLS,
          rawFinishReason: 'tool_calls',
          message: {
            role: Role.ASSISTANT,
            content: [
              { kind: { case: 'reasoning', value: { text: 'Think.', signature: 's1', providerType: 'anthropic' } } },
              { kind: { case: 'reasoning', value: { redactedData: 'r', providerType: 'anthropic' } } },
              { kind: { case: 'reasoning', value: { text: 'DS.', providerType: 'openai-compatible' } } },
              { kind: { case: 'text', value: { text: 'Checking.' } } },
              { kind: { case: 'text', value: { text: '' } } },
              { kind: { case: 'toolCall', value: { id: 'fc_1', name: 'now', argumentsJson: '', signature: 'gsig' } } },
              { kind: { case: 'toolCall', value: { id: 'call_2', name: 'get', argumentsJson: '{"a":1}' } } },
            ],
          },
        },
      ],
      usage: { inputTokens: 2000, outputTokens: 300, cachedInputTokens: 1500, cacheWriteTokens: 200, reasoningTokens: 250 },
    });
    const { message, warnings } = renderMessage(response, { stopSequences: [] });
    expect(warnings).toEqual([]);
    expect(message).toEqual({
      id: 'msg_abc',
      type: 'message',
      role: 'assistant',
      model: 'openai/gpt',
      content: [
        { type: 'thinking', thinking: 'Think.', signature: 's1' },
        { type: 'redacted_thinking', data: 'r' },
        { type: 'thinking', thinking: 'DS.', signature: encodeReasoningSignature('openai-compatible', '') },
        { type: 'text', text: 'Checking.', citations: null },
        { type: 'tool_use', id: encodeToolCallId('fc_1', 'gsig'), name: 'now', input: {}, caller: { type: 'direct' } },
        { type: 'tool_use', id: 'call_2', name: 'get', input: { a: 1 }, caller: { type: 'direct' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      stop_details: null,
      container: null,
      usage: {
        input_tokens: 300,
        cache_creation_input_tokens: 200,
        cache_read_input_tokens: 1500,
        output_tokens: 300,
        output_tokens_details: { thinking_tokens: 250 },
        // No one-hour share in this usage: every write has the five-minute lifetime.
        cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 0 },
        server_tool_use: null,
        service_tier: null,
      },
    });
  });

  it('tool arguments that are not a JSON object become {} with a warning', () => {
    const response = create(ChatResponseSchema, {
      choices: [{ message: { role: Role.ASSISTANT, content: [{ kind: { case: 'toolCall', value: { id: 'c', name: 'f', argumentsJson: '{"a":' } } }] } }],
    });
    const { message, warnings } = renderMessage(response, { stopSequences: [] });
    expect(message.content[0]).toMatchObject({ type: 'tool_use', input: {} });
    expect(warnings[0]).toMatchObject({ code: 'invalid_tool_arguments' });
  });

  it.each([
    [FinishReason.STOP, 'end_turn', false, 'end_turn'],
    [FinishReason.STOP, 'stop_sequence', false, 'stop_sequence'],
    [FinishReason.STOP, 'stop', true, 'tool_use'],
    [FinishReason.LENGTH, 'MAX_TOKENS', false, 'max_tokens'],
    [FinishReason.LENGTH, 'model_context_window_exceeded', false, 'model_context_window_exceeded'],
    [FinishReason.TOOL_CALLS, 'tool_calls', true, 'tool_use'],
    [FinishReason.CONTENT_FILTER, 'SAFETY', false, 'refusal'],
    [FinishReason.OTHER, 'pause_turn', false, 'pause_turn'],
    [FinishReason.ERROR, 'MALFORMED_FUNCTION_CALL', false, 'end_turn'],
  ] as const)('stop reason %s/%s (tools: %s) → %s', (reason, raw, hasTools, expected) => {
    expect(renderStopReason(reason, raw, hasTools)).toBe(expected);
  });
});

type ChunkEvent = MessageInitShape<typeof StreamChunkSchema>['event'];
const chunk = (event: ChunkEvent) => create(StreamChunkSchema, { choiceIndex: 0, event });

describe('StreamRenderer', () => {
  it('emits Anthropic’s event sequence: blocks one at a time, signatures closing thinking, cumulative usage last', () => {
    const converter = new StreamRenderer({ stopSequences: ['END'] });
    const chunks: ChunkEvent[] = [
      { case: 'start', value: { id: 'gen-1', model: 'gemini/x' } },
      { case: 'warning', value: { code: 'unsupported_parameter', param: 'top_k', message: 'no' } },
      { case: 'reasoningDelta', value: { text: 'Hm', providerType: 'gemini' } },
      { case: 'reasoningDelta', value: { text: 'm.', providerType: 'gemini' } },
      { case: 'textDelta', value: { text: 'Hi' } },
      { case: 'toolCallStart', value: { index: 0, id: 'fc_1', name: 'f', signature: 'gsig' } },
      { case: 'toolCallDelta', value: { index: 0, argumentsDelta: '{"a":' } },
      { case: 'toolCallDelta', value: { index: 0, argumentsDelta: '1}' } },
      { case: 'finish', value: { reason: FinishReason.STOP, rawReason: 'stop' } },
      { case: 'usage', value: { inputTokens: 10, outputTokens: 4, cachedInputTokens: 6 } },
      { case: 'route', value: { providerId: 'gemini' } },
    ];
    const events = [...chunks.flatMap((event) => converter.push(chunk(event))), ...converter.end()];
    expect(events.map((event) => (event.type === 'content_block_delta' ? `${event.index}:${event.delta.type}` : event.type))).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      '0:thinking_delta',
      '0:thinking_delta',
      '0:signature_delta',
      'content_block_stop',
      'content_block_start',
      '1:text_delta',
      'content_block_stop',
      'content_block_start',
      '2:input_json_delta',
      '2:input_json_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]).toMatchObject({ message: { id: 'msg_1', model: 'gemini/x', content: [], stop_reason: null } });
    expect(events[5]).toMatchObject({ delta: { signature: encodeReasoningSignature('gemini', '') } });
    expect(events[10]).toMatchObject({ content_block: { type: 'tool_use', id: encodeToolCallId('fc_1', 'gsig'), name: 'f', input: {} } });
    // An OpenAI-style "stop" with a tool call is tool_use for an Anthropic client.
    expect(events.at(-2)).toMatchObject({
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { input_tokens: 4, cache_read_input_tokens: 6, output_tokens: 4 },
    });
    expect(converter.warnings.map((warning) => warning.param)).toEqual(['top_k']);
    expect(converter.route?.providerId).toBe('gemini');
  });

  it('Anthropic reasoning: the upstream signature closes the block; redacted thinking is a whole block', () => {
    const converter = new StreamRenderer({ stopSequences: ['END'] });
    const events = [
      { case: 'start', value: { id: 'gen-2', model: 'm' } },
      { case: 'reasoningDelta', value: { text: 'a', providerType: 'anthropic' } },
      { case: 'reasoningDelta', value: { signature: 'sig', providerType: 'anthropic' } },
      { case: 'reasoningDelta', value: { redactedData: 'opaque', providerType: 'anthropic' } },
      { case: 'textDelta', value: { text: 'x' } },
      { case: 'finish', value: { reason: FinishReason.STOP, rawReason: 'stop_sequence' } },
    ].flatMap((event) => converter.push(chunk(event as ChunkEvent)));
    const all = [...events, ...converter.end()];
    expect(all.slice(2, 9)).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'a' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'redacted_thinking', data: 'opaque' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'text', text: '', citations: null } },
    ]);
    expect(all.at(-2)).toMatchObject({ delta: { stop_reason: 'stop_sequence', stop_sequence: 'END' } });
  });

  it('tool calls: one after another each streams as it comes; one started while the open call is incomplete waits, then goes out whole', () => {
    const converter = new StreamRenderer({ stopSequences: [] });
    const step = (event: ChunkEvent) =>
      converter.push(chunk(event)).map((out) => (out.type === 'content_block_delta' && out.delta.type === 'input_json_delta' ? `${out.index}:${out.delta.partial_json}` : `${out.type}${'index' in out ? ` ${out.index}` : ''}`));
    expect(step({ case: 'start', value: { id: 'gen-4', model: 'm' } })).toEqual([]);
    // One after another: the second call's block opens at its start (the first call's arguments are whole).
    expect(step({ case: 'toolCallStart', value: { index: 0, id: 'a', name: 'f' } })).toEqual(['message_start', 'ping', 'content_block_start 0']);
    expect(step({ case: 'toolCallDelta', value: { index: 0, argumentsDelta: '{"x":' } })).toEqual(['0:{"x":']);
    expect(step({ case: 'toolCallDelta', value: { index: 0, argumentsDelta: '"}"}' } })).toEqual(['0:"}"}']);
    expect(step({ case: 'toolCallStart', value: { index: 1, id: 'b', name: 'g' } })).toEqual(['content_block_stop 0', 'content_block_start 1']);
    expect(step({ case: 'toolCallDelta', value: { index: 1, argumentsDelta: '{"y":[1,' } })).toEqual(['1:{"y":[1,']);
    // Interleaved: the third call starts while the second's arguments are incomplete; it waits with its fragments.
    expect(step({ case: 'toolCallStart', value: { index: 2, id: 'c', name: 'h' } })).toEqual([]);
    expect(step({ case: 'toolCallDelta', value: { index: 2, argumentsDelta: '{"z":' } })).toEqual([]);
    expect(step({ case: 'toolCallDelta', value: { index: 1, argumentsDelta: '2]}' } })).toEqual(['1:2]}', 'content_block_stop 1', 'content_block_start 2', '2:{"z":']);
    expect(step({ case: 'toolCallDelta', value: { index: 2, argumentsDelta: '3}' } })).toEqual(['2:3}']);
    // A call still waiting at the finish goes out whole then.
    expect(step({ case: 'toolCallStart', value: { index: 3, id: 'd', name: 'k' } })).toEqual(['content_block_stop 2', 'content_block_start 3']);
    expect(step({ case: 'toolCallDelta', value: { index: 3, argumentsDelta: '{"w":' } })).toEqual(['3:{"w":']);
    expect(step({ case: 'toolCallStart', value: { index: 4, id: 'e', name: 'l' } })).toEqual([]);
    expect(step({ case: 'toolCallDelta', value: { index: 4, argumentsDelta: '{}' } })).toEqual([]);
    expect(step({ case: 'finish', value: { reason: FinishReason.TOOL_CALLS, rawReason: 'tool_calls' } })).toEqual([
      'content_block_stop 3',
      'content_block_start 4',
      '4:{}',
      'content_block_stop 4',
    ]);
  });

  it('message_start waits for the first output and carries the input usage told before it; message_delta the totals', () => {
    const converter = new StreamRenderer({ stopSequences: [] });
    const push = (event: ChunkEvent) => converter.push(chunk(event));
    expect(push({ case: 'start', value: { id: 'gen-5', model: 'anthropic/m' } })).toEqual([]);
    expect(push({ case: 'route', value: { providerId: 'anthropic' } })).toEqual([]);
    expect(push({ case: 'inputUsage', value: { inputTokens: 2000, cachedInputTokens: 1500, cacheWriteTokens: 200 } })).toEqual([]);
    const first = push({ case: 'textDelta', value: { text: 'Hi' } });
    expect(first.map((event) => event.type)).toEqual(['message_start', 'ping', 'content_block_start', 'content_block_delta']);
    expect(first[0]).toMatchObject({
      message: { id: 'msg_5', usage: { input_tokens: 300, cache_creation_input_tokens: 200, cache_read_input_tokens: 1500, output_tokens: 0 } },
    });
    push({ case: 'finish', value: { reason: FinishReason.STOP, rawReason: 'end_turn' } });
    push({ case: 'usage', value: { inputTokens: 2000, outputTokens: 7, cachedInputTokens: 1500, cacheWriteTokens: 200 } });
    expect(converter.end().find((event) => event.type === 'message_delta')).toMatchObject({
      usage: { input_tokens: 300, cache_creation_input_tokens: 200, cache_read_input_tokens: 1500, output_tokens: 7 },
    });

    // No input usage before the output (an OpenAI-family upstream counts it at the end): 0 until message_delta.
    const unknown = new StreamRenderer({ stopSequences: [] });
    unknown.push(chunk({ case: 'start', value: { id: 'gen-6', model: 'm' } }));
    expect(unknown.push(chunk({ case: 'textDelta', value: { text: 'Hi' } }))[0]).toMatchObject({
      message: { usage: { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 } },
    });
  });

  it('an empty stream still forms a whole message', () => {
    const converter = new StreamRenderer({ stopSequences: [] });
    const events = [...converter.push(chunk({ case: 'start', value: { id: 'gen-3', model: 'm' } })), ...converter.end()];
    expect(events.map((event) => event.type)).toEqual(['message_start', 'ping', 'message_delta', 'message_stop']);
  });
});

describe('mapError', () => {
  const requestId = 'req-1';
  it.each([
    [invalidArgument('chat.max_output_tokens', 'must be ≥ 1'), 400, 'invalid_request_error', 'max_tokens: must be ≥ 1'],
    [new GatewayError('unauthenticated', 'invalid virtual key'), 401, 'authentication_error', 'invalid virtual key'],
    [new GatewayError('permission_denied', 'revoked'), 403, 'permission_error', 'revoked'],
    [new GatewayError('not_found', 'no model'), 404, 'not_found_error', 'no model'],
    [new GatewayError('payload_too_large', 'big'), 413, 'request_too_large', 'big'],
    [new GatewayError('resource_exhausted', 'slow down', { retryable: true, upstreamStatus: 429 }), 429, 'rate_limit_error', 'slow down'],
    [new GatewayError('failed_precondition', 'upstream refused our key', { provider: 'p', upstreamStatus: 401 }), 502, 'api_error', 'upstream refused our key'],
    // Every transient failure is Anthropic's overloaded_error, whatever the upstream's status (docs/errors.md).
    [new GatewayError('unavailable', 'upstream 500', { provider: 'p', upstreamStatus: 500 }), 529, 'overloaded_error', 'upstream 500'],
    [new GatewayError('unavailable', 'overloaded', { provider: 'p', upstreamStatus: 529 }), 529, 'overloaded_error', 'overloaded'],
    [new GatewayError('unavailable', 'unreachable', { provider: 'p' }), 529, 'overloaded_error', 'unreachable'],
    // The gateway's own unavailability (its database, its in-flight cap) is not an upstream's.
    [new GatewayError('unavailable', 'key store unreachable', { retryable: true }), 503, 'api_error', 'key store unreachable'],
    [new GatewayError('deadline_exceeded', 'too slow'), 504, 'timeout_error', 'too slow'],
    [new GatewayError('internal', 'bug'), 500, 'api_error', 'bug'],
    [new Error('secret detail'), 500, 'api_error', 'Internal server error'],
    [Object.assign(new Error('x'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }), 413, 'request_too_large', expect.stringContaining('maximum')],
  ])('%s → %i %s', (error, status, type, message) => {
    const mapped = mapError(error, { requestId });
    expect(mapped.status).toBe(status);
    expect(mapped.body).toEqual({ type: 'error', error: { type, message }, request_id: requestId });
  });

  it('sends retry-after, and x-should-retry: false for a billing state', () => {
    expect(mapError(new GatewayError('resource_exhausted', 'x', { retryable: true, retryAfterSeconds: 6.2 }), { requestId }).headers).toEqual({ 'retry-after': '7' });
    expect(mapError(new GatewayError('resource_exhausted', 'x', { provider: 'p' }), { requestId }).headers).toEqual({ 'x-should-retry': 'false' });
  });
});

describe('field names and headers', () => {
  it.each([
    ['chat.max_output_tokens', 0, 'max_tokens'],
    ['chat.stop', 0, 'stop_sequences'],
    ['reasoning', 0, 'thinking'],
    ['chat.reasoning.budget_tokens', 0, 'thinking.budget_tokens'],
    ['response_format', 0, 'output_config.format'],
    ['chat.tool_choice.tool_name', 0, 'tool_choice.name'],
    ['parallel_tool_calls', 0, 'tool_choice.disable_parallel_tool_use'],
    ['chat.tools[2].parameters', 0, 'tools.2.input_schema'],
    ['chat.messages[3].content[1].tool_result.tool_call_id', 1, 'messages.2.content.1.tool_use_id'],
    ['chat.messages[1].content[0].tool_call.arguments_json', 0, 'messages.1.content.0.input'],
    ['messages[2].content[0].image.url', 1, 'messages.1.content.0.source.url'],
    ['chat.messages[0].content[1]', 1, 'system.1'],
    ['provider_options.service_tier', 0, 'service_tier'],
    ['cache_breakpoint', 0, 'cache_control'],
    ['tools[1].cache_breakpoint', 0, 'tools.1.cache_control'],
    ['messages[0].content[1].cache_breakpoint', 1, 'system.1.cache_control'],
    ['messages[3].content[0].tool_result.content[1].cache_breakpoint', 1, 'messages.2.content.0.content.1.cache_control'],
  ])('%s (system offset %i) → %s', (field, offset, expected) => {
    expect(toAnthropicParam(field, offset)).toBe(expected);
  });

  it('x-gateway-warnings: the OpenAI shim’s JSON format, shim warnings first, core params renamed', () => {
    const core = [create(WarningSchema, { code: 'unsupported_parameter', param: 'seed', message: 'no seed' })];
    const shim = [create(WarningSchema, { code: 'unsupported_parameter', param: 'cache_control', message: 'ignored ✓' })];
    const header = warningsHeader(core, shim, 0)['x-gateway-warnings']!;
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    expect(JSON.parse(header)).toEqual([
      { code: 'unsupported_parameter', param: 'cache_control', message: 'ignored ✓' },
      { code: 'unsupported_parameter', param: 'seed', message: 'no seed' },
    ]);
    expect(warningsHeader([], [], 0)).toEqual({});
  });

  it('reasoning signatures: Anthropic’s pass unchanged, others are marked and decoded back', () => {
    expect(encodeReasoningSignature('anthropic', 'EqQBCkYIBRgC+/=')).toBe('EqQBCkYIBRgC+/=');
    expect(decodeReasoningSignature('EqQBCkYIBRgC+/=')).toEqual({ providerType: 'anthropic', signature: 'EqQBCkYIBRgC+/=' });
    const marked = encodeReasoningSignature('gemini', 'g/sig+');
    expect(marked).toMatch(/^gw1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(decodeReasoningSignature(marked)).toEqual({ providerType: 'gemini', signature: 'g/sig+' });
    expect(decodeReasoningSignature('')).toEqual({ providerType: '', signature: '' });
  });
});
