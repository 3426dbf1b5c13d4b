// OpenAI request JSON → canonical ChatRequest: every parameter, every message
// form, and field-level errors naming the OpenAI parameter.
import { describe, expect, it } from 'vitest';
import { ReasoningEffort, ResponseFormatType, Role, ToolChoiceMode } from '../../../gen/llmgateway/v1/chat_pb.js';
import { parseChatRequest } from '../../../src/http/openai/parse-request.js';
import { InvalidRequestError } from '../../../src/http/openai/request-error.js';
import { encodeToolCallId } from '../../../src/http/tool-call-id.js';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const base = { model: 'openai/gpt', messages: [{ role: 'user', content: 'Hi' }] };

function failure(body: unknown): InvalidRequestError {
  try {
    parseChatRequest(body);
  } catch (error) {
    if (error instanceof InvalidRequestError) return error;
    throw error;
  }
  throw new Error('expected the request to be rejected');
}

describe('parseChatRequest: parameters', () => {
  it('maps every listed parameter', () => {
    const { chat, stream, includeUsage, n } = parseChatRequest({
      ...base,
      temperature: 0.5,
      top_p: 0.9,
      max_tokens: 100,
      stop: 'END',
      seed: 42,
      presence_penalty: 0.1,
      frequency_penalty: -0.2,
      reasoning_effort: 'high',
      user: 'user-7',
      metadata: { team: 'search' },
      parallel_tool_calls: false,
      stream: true,
      stream_options: { include_usage: true },
      n: 2,
    });
    expect(stream).toBe(true);
    expect(includeUsage).toBe(true);
    expect(n).toBe(2);
    expect(chat.candidateCount).toBe(2);
    expect(chat).toMatchObject({
      model: 'openai/gpt',
      temperature: 0.5,
      topP: 0.9,
      maxOutputTokens: 100,
      stop: ['END'],
      seed: 42n,
      presencePenalty: 0.1,
      frequencyPenalty: -0.2,
      user: 'user-7',
      metadata: { team: 'search' },
      parallelToolCalls: false,
    });
    expect(chat.reasoning?.effort).toBe(ReasoningEffort.HIGH);
    expect(chat.reasoning?.includeReasoning).toBe(true);
    expect(chat.providerOptions).toBeUndefined();
  });

  it('max_completion_tokens wins over max_tokens; a stop array stays an array', () => {
    expect(parseChatRequest({ ...base, max_tokens: 10, max_completion_tokens: 20 }).chat.maxOutputTokens).toBe(20);
    expect(parseChatRequest({ ...base, max_completion_tokens: 7 }).chat.maxOutputTokens).toBe(7);
    expect(parseChatRequest({ ...base, stop: ['a', 'b'] }).chat.stop).toEqual(['a', 'b']);
  });

  it('passes unknown top-level parameters through as provider_options (nulls mean unset)', () => {
    const { chat } = parseChatRequest({ ...base, logprobs: true, top_logprobs: 3, service_tier: 'flex', logit_bias: { '50256': -100 }, store: null });
    expect(chat.providerOptions).toEqual({ service_tier: 'flex', logit_bias: { '50256': -100 } });
    // Log probabilities are the canonical request's own.
    expect(chat).toMatchObject({ logprobs: true, topLogprobs: 3 });
  });

  it('treats null as not set and n=1 as no candidate_count; include_usage only counts when streaming', () => {
    const { chat, includeUsage } = parseChatRequest({ ...base, temperature: null, n: 1, stream_options: { include_usage: true } });
    expect(chat.temperature).toBeUndefined();
    expect(chat.candidateCount).toBeUndefined();
    expect(includeUsage).toBe(false);
  });

  it('maps tools, tool_choice and response_format', () => {
    const parameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const { chat } = parseChatRequest({
      ...base,
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters, strict: true } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      response_format: { type: 'json_schema', json_schema: { name: 'person', schema: { type: 'object' }, strict: true } },
    });
    expect(chat.tools[0]).toMatchObject({ name: 'get_weather', description: 'Weather', parameters, strict: true });
    expect(chat.toolChoice).toMatchObject({ mode: ToolChoiceMode.TOOL, toolName: 'get_weather' });
    expect(chat.responseFormat).toMatchObject({ type: ResponseFormatType.JSON_SCHEMA, schemaName: 'person', schema: { type: 'object' }, strict: true });
    expect(parseChatRequest({ ...base, tool_choice: 'required' }).chat.toolChoice?.mode).toBe(ToolChoiceMode.REQUIRED);
    expect(parseChatRequest({ ...base, response_format: { type: 'json_object' } }).chat.responseFormat?.type).toBe(ResponseFormatType.JSON_OBJECT);
  });
});

describe('parseChatRequest: messages', () => {
  it('maps every role and content form', () => {
    const callId = encodeToolCallId('call_1', 'sig-1');
    const { chat } = parseChatRequest({
      model: 'm',
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'developer', content: [{ type: 'text', text: 'English only.' }] },
        {
          role: 'user',
          name: 'ada',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image_url', image_url: { url: 'https://example.test/cat.png', detail: 'low' } },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          ],
        },
        {
          role: 'assistant',
          reasoning_content: 'Thinking…',
          content: 'Let me check.',
          tool_calls: [{ id: callId, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: callId, content: '18C' },
        { role: 'tool', tool_call_id: 'call_2', content: '' },
      ],
    });
    const [system, developer, user, assistant, tool, emptyTool] = chat.messages;
    expect(system?.role).toBe(Role.SYSTEM);
    expect(developer?.role).toBe(Role.DEVELOPER);
    expect(user?.name).toBe('ada');
    const images = user?.content.flatMap((part) => (part.kind.case === 'image' ? [part.kind.value] : []));
    expect(images?.[0]).toMatchObject({ source: { case: 'url', value: 'https://example.test/cat.png' }, detail: 'low' });
    expect(images?.[1]).toMatchObject({ source: { case: 'data' }, mediaType: 'image/png' });
    expect(Buffer.from(images?.[1]?.source.value as Uint8Array).toString('base64')).toBe(PNG);

    expect(assistant?.content.map((part) => part.kind.case)).toEqual(['reasoning', 'text', 'toolCall']);
    expect(assistant?.content[0]?.kind.value).toMatchObject({ text: 'Thinking…', providerType: 'openai-compatible' });
    expect(assistant?.content[2]?.kind.value).toMatchObject({ id: 'call_1', signature: 'sig-1', name: 'get_weather', argumentsJson: '{"city":"Paris"}' });

    expect(tool?.role).toBe(Role.TOOL);
    expect(tool?.content[0]?.kind).toMatchObject({ case: 'toolResult', value: { toolCallId: 'call_1' } });
    const result = tool?.content[0]?.kind.value as { content: Array<{ kind: { value: { text: string } } }> };
    expect(result.content[0]?.kind.value.text).toBe('18C');
    expect(emptyTool?.content[0]?.kind).toMatchObject({ case: 'toolResult', value: { toolCallId: 'call_2', content: [] } });
  });

  it('accepts an assistant turn with only tool calls (content null)', () => {
    const { chat } = parseChatRequest({
      model: 'm',
      messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }],
    });
    expect(chat.messages[0]?.content.map((part) => part.kind.case)).toEqual(['toolCall']);
  });
});

describe('parseChatRequest: errors name the OpenAI field', () => {
  const cases: Array<[string, unknown, string, string]> = [
    ['body not an object', [], 'body', 'invalid_type'],
    ['missing model', { messages: base.messages }, 'model', 'missing_required_parameter'],
    ['missing messages', { model: 'm' }, 'messages', 'missing_required_parameter'],
    ['empty messages', { model: 'm', messages: [] }, 'messages', 'empty_array'],
    ['messages not an array', { model: 'm', messages: 'hi' }, 'messages', 'invalid_type'],
    ['temperature as a string', { ...base, temperature: 'hot' }, 'temperature', 'invalid_type'],
    ['temperature out of range', { ...base, temperature: 3 }, 'temperature', 'invalid_value'],
    ['max_tokens fractional', { ...base, max_tokens: 1.5 }, 'max_tokens', 'invalid_type'],
    ['stop with a number', { ...base, stop: ['a', 1] }, 'stop[1]', 'invalid_type'],
    ['unknown role', { model: 'm', messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role', 'invalid_value'],
    ['user without content', { model: 'm', messages: [{ role: 'user' }] }, 'messages[0].content', 'missing_required_parameter'],
    [
      'bad image URL scheme',
      { model: 'm', messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'y' }, { role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }] },
      'messages[2].content[0].image_url.url',
      'invalid_value',
    ],
    [
      'data URL that is not an image',
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:text/plain;base64,aGk=' } }] }] },
      'messages[0].content[0].image_url.url',
      'invalid_value',
    ],
    [
      'image_url missing',
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url' }] }] },
      'messages[0].content[0].image_url',
      'missing_required_parameter',
    ],
    ['audio part', { model: 'm', messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] }, 'messages[0].content[0].type', 'unsupported_value'],
    ['tool without tool_call_id', { model: 'm', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id', 'missing_required_parameter'],
    [
      'tool call arguments as an object',
      { model: 'm', messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: {} } }] }] },
      'messages[0].tool_calls[0].function.arguments',
      'invalid_type',
    ],
    ['tool of another type', { ...base, tools: [{ type: 'custom', custom: {} }] }, 'tools[0].type', 'unsupported_value'],
    ['tool_choice unknown', { ...base, tool_choice: 'always' }, 'tool_choice', 'invalid_value'],
    ['json_schema without schema', { ...base, response_format: { type: 'json_schema', json_schema: { name: 'x' } } }, 'response_format.json_schema.schema', 'missing_required_parameter'],
    ['reasoning_effort unknown', { ...base, reasoning_effort: 'extreme' }, 'reasoning_effort', 'invalid_value'],
    ['metadata value not a string', { ...base, metadata: { a: 1 } }, 'metadata.a', 'invalid_type'],
    ['stream not a boolean', { ...base, stream: 'yes' }, 'stream', 'invalid_type'],
    ['legacy functions', { ...base, functions: [{ name: 'f' }] }, 'functions', 'unsupported_parameter'],
  ];
  it.each(cases)('%s → param %s', (_label, body, param, code) => {
    const error = failure(body);
    expect(error.param).toBe(param);
    expect(error.code).toBe(code);
    expect(error.message).toContain(param === 'body' ? 'body' : `'${param}'`);
  });
});
