// Anthropic Messages request bodies → canonical ChatRequest (pure).
import { toJson } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { CacheTtl, ChatRequestSchema, ReasoningEffort, ResponseFormatType, Role, ToolChoiceMode } from '../../../gen/llmgateway/v1/chat_pb.js';
import { parseMessagesRequest } from '../../../src/http/anthropic/parse-request.js';
import { encodeReasoningSignature } from '../../../src/http/anthropic/reasoning-signature.js';
import { encodeToolCallId } from '../../../src/http/tool-call-id.js';
import { TINY_PNG_BASE64 } from '../../fixtures/scenarios.js';

const base = { model: 'anthropic/claude', max_tokens: 1024 };
const parse = (body: Record<string, unknown>) => parseMessagesRequest({ ...base, messages: [{ role: 'user', content: 'Hi' }], ...body });
const json = (body: Record<string, unknown>) => toJson(ChatRequestSchema, parse(body).chat) as Record<string, unknown>;

describe('parseMessagesRequest', () => {
  it('maps the scalar fields, stop sequences, metadata.user_id and stream', () => {
    const parsed = parse({ temperature: 0.5, top_p: 0.9, top_k: 40, stop_sequences: ['END'], metadata: { user_id: 'u-1' }, stream: true });
    expect(parsed.stream).toBe(true);
    expect(parsed.stopSequences).toEqual(['END']);
    expect(json({ temperature: 0.5, top_p: 0.9, top_k: 40, stop_sequences: ['END'], metadata: { user_id: 'u-1' } })).toMatchObject({
      model: 'anthropic/claude',
      maxOutputTokens: 1024,
      temperature: 0.5,
      topP: 0.9,
      topK: 40,
      stop: ['END'],
      user: 'u-1',
    });
  });

  it('system (string or text blocks) → one leading SYSTEM message; a role "system" message after a user message stays in place', () => {
    const fromBlocks = parse({ system: [{ type: 'text', text: 'A' }, { type: 'text', text: 'B' }] });
    expect(fromBlocks.systemOffset).toBe(1);
    expect(fromBlocks.chat.messages[0]?.role).toBe(Role.SYSTEM);
    expect(fromBlocks.chat.messages[0]?.content.map((part) => part.kind.value)).toMatchObject([{ text: 'A' }, { text: 'B' }]);
    const inline = parse({ system: '', messages: [{ role: 'user', content: 'Hi' }, { role: 'system', content: 'S' }, { role: 'assistant', content: 'A' }] });
    expect(inline.systemOffset).toBe(0);
    expect(inline.chat.messages.map((message) => message.role)).toEqual([Role.USER, Role.SYSTEM, Role.ASSISTANT]);
    // Where Anthropic refuses one (first, here), a 400 naming the message's role.
    expect(() => parse({ messages: [{ role: 'system', content: 'S' }, { role: 'user', content: 'Hi' }] })).toThrow(/^messages\.0\.role: /);
  });

  it('converts every block type, one part per block, tool results kept in place in the user message', () => {
    const { chat } = parse({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: TINY_PNG_BASE64 } },
            { type: 'image', source: { type: 'url', url: 'https://example.test/a.png' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Hmm.', signature: 'sig-1' },
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'text', text: 'Calling.' },
            { type: 'tool_use', id: encodeToolCallId('call_1', 'gsig'), name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Here:' },
            { type: 'tool_result', tool_use_id: encodeToolCallId('call_1', 'gsig'), content: [{ type: 'text', text: '18C' }], is_error: true },
          ],
        },
      ],
    });
    const [user, assistant, results] = chat.messages;
    expect(user?.content[1]?.kind).toMatchObject({ case: 'image', value: { mediaType: 'image/png', source: { case: 'data' } } });
    const image = user?.content[1]?.kind;
    expect(image?.case === 'image' && Buffer.from(image.value.source.value as Uint8Array).toString('base64')).toBe(TINY_PNG_BASE64);
    expect(user?.content[2]?.kind).toMatchObject({ case: 'image', value: { source: { case: 'url', value: 'https://example.test/a.png' } } });
    expect(assistant?.content.map((part) => part.kind)).toMatchObject([
      { case: 'reasoning', value: { text: 'Hmm.', signature: 'sig-1', providerType: 'anthropic' } },
      { case: 'reasoning', value: { redactedData: 'opaque', providerType: 'anthropic' } },
      { case: 'text', value: { text: 'Calling.' } },
      { case: 'toolCall', value: { id: 'call_1', name: 'get_weather', argumentsJson: '{"city":"Paris"}', signature: 'gsig' } },
    ]);
    expect(results?.role).toBe(Role.USER);
    expect(results?.content.map((part) => part.kind.case)).toEqual(['text', 'toolResult']);
    expect(results?.content[1]?.kind.value).toMatchObject({ toolCallId: 'call_1', name: 'get_weather', isError: true });
  });

  it('thinking signatures: marked ones name their provider, unsigned ones have no provider', () => {
    const { chat } = parse({
      messages: [
        { role: 'user', content: 'Hi' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'a', signature: encodeReasoningSignature('gemini', 'g') },
            { type: 'thinking', thinking: 'b', signature: '' },
          ],
        },
        { role: 'user', content: 'Again' },
      ],
    });
    expect(chat.messages[1]?.content.map((part) => part.kind.value)).toMatchObject([
      { text: 'a', signature: 'g', providerType: 'gemini' },
      { text: 'b', signature: '', providerType: '' },
    ]);
  });

  it('tools, tool_choice (any → required; disable_parallel_tool_use → parallel_tool_calls false)', () => {
    const tools = [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];
    expect(json({ tools, tool_choice: { type: 'any', disable_parallel_tool_use: true } })).toMatchObject({
      tools: [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
      toolChoice: { mode: 'TOOL_CHOICE_MODE_REQUIRED' },
      parallelToolCalls: false,
    });
    const named = parse({ tools, tool_choice: { type: 'tool', name: 'get_weather' } }).chat.toolChoice;
    expect(named).toMatchObject({ mode: ToolChoiceMode.TOOL, toolName: 'get_weather' });
    expect(parse({ tool_choice: { type: 'none' } }).chat.toolChoice?.mode).toBe(ToolChoiceMode.NONE);
    expect(() => parse({ tools: [{ type: 'web_search_20250305', name: 'web_search' }] })).toThrow(/^tools\.0\.type: server tools/);
  });

  it('thinking and output_config → reasoning and response_format', () => {
    expect(parse({ thinking: { type: 'enabled', budget_tokens: 2048 } }).chat.reasoning).toMatchObject({ budgetTokens: 2048, includeReasoning: true });
    expect(parse({ thinking: { type: 'disabled' } }).chat.reasoning).toMatchObject({ effort: ReasoningEffort.NONE, includeReasoning: false });
    expect(parse({ thinking: { type: 'adaptive', display: 'omitted' } }).chat.reasoning).toMatchObject({ effort: ReasoningEffort.HIGH, includeReasoning: false });
    expect(parse({ thinking: { type: 'adaptive' }, output_config: { effort: 'low' } }).chat.reasoning).toMatchObject({
      effort: ReasoningEffort.LOW,
      includeReasoning: true,
    });
    const schema = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false };
    const parsed = parse({ output_config: { format: { type: 'json_schema', schema }, task_budget: { total: 5 } } });
    expect(parsed.chat.responseFormat).toMatchObject({ type: ResponseFormatType.JSON_SCHEMA, schemaName: 'response', schema, strict: true });
    expect(parsed.chat.providerOptions).toEqual({ output_config: { task_budget: { total: 5 } } });
  });

  it('unknown top-level fields travel as provider_options (a top-level cache_control too)', () => {
    const parsed = parse({ service_tier: 'auto', context_management: { edits: [] }, nothing: null, cache_control: { type: 'ephemeral' } });
    expect(parsed.chat.providerOptions).toEqual({ service_tier: 'auto', context_management: { edits: [] }, cache_control: { type: 'ephemeral' } });
    expect(parsed.warnings).toEqual([]);
  });

  it('cache_control on blocks and tools becomes their cache breakpoint; on thinking blocks and citations, a warning', () => {
    const parsed = parse({
      tools: [{ name: 't', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral', ttl: '1h' } }],
      system: [{ type: 'text', text: 'S', cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q', cache_control: { type: 'ephemeral', ttl: '5m' }, citations: [{ type: 'char_location' }] }] },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 's', cache_control: { type: 'ephemeral' } }, { type: 'tool_use', id: 'a', name: 't', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: [{ type: 'text', text: 'r', cache_control: { type: 'ephemeral' } }] }] },
      ],
    });
    expect(parsed.chat.tools[0]?.cacheBreakpoint).toMatchObject({ ttl: CacheTtl.ONE_HOUR });
    const [system, question, answer, result] = parsed.chat.messages;
    expect(system?.content[0]?.cacheBreakpoint).toMatchObject({ ttl: CacheTtl.UNSPECIFIED });
    expect(question?.content[0]?.cacheBreakpoint).toMatchObject({ ttl: CacheTtl.FIVE_MINUTES });
    expect(answer?.content.map((part) => part.cacheBreakpoint)).toEqual([undefined, undefined]);
    const resultPart = result?.content[0]?.kind;
    expect(resultPart?.case === 'toolResult' && resultPart.value.content[0]?.cacheBreakpoint).toMatchObject({ ttl: CacheTtl.UNSPECIFIED });
    expect(parsed.warnings.map((warning) => warning.param)).toEqual(['citations', 'cache_control']);
  });

  it('count_tokens bodies need no max_tokens', () => {
    const parsed = parseMessagesRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true }, 'count_tokens');
    expect(parsed.chat.maxOutputTokens).toBeUndefined();
    expect(parsed.stream).toBe(false);
    expect(parsed.chat.providerOptions).toBeUndefined();
  });

  it.each([
    [{ max_tokens: undefined }, /^max_tokens: Field required$/],
    [{ max_tokens: 0 }, /^max_tokens: Input should be greater than or equal to 1/],
    [{ model: 5 }, /^model: Input should be a valid string/],
    [{ messages: [] }, /^messages: List should have at least 1 item/],
    [{ messages: [{ role: 'user' }] }, /^messages\.0\.content: Field required$/],
    [{ messages: [{ role: 'user', content: [{ type: 'tool_use', id: 'a', name: 'b', input: {} }] }] }, /only allowed in assistant messages/],
    [{ messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 'b', input: 'x' }] }] }, /^messages\.0\.content\.0\.input: Input should be a valid dictionary/],
    [{ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f' } }] }] }, /'file' image sources/],
    [{ stop_sequences: 'END' }, /^stop_sequences: Input should be a valid list/],
    [{ thinking: { type: 'enabled' } }, /^thinking\.budget_tokens: Field required$/],
    [{ output_config: { format: { type: 'json_object' } } }, /^output_config\.format\.type: Input should be 'json_schema'/],
    [{ metadata: { user_id: 5 } }, /^metadata\.user_id: Input should be a valid string/],
    [{ system: [{ type: 'text', text: 'S', cache_control: { type: 'persistent' } }] }, /^system\.0\.cache_control\.type: Input should be 'ephemeral'/],
    [{ tools: [{ name: 't', input_schema: {}, cache_control: { type: 'ephemeral', ttl: '10m' } }] }, /^tools\.0\.cache_control\.ttl: Input should be '5m' or '1h'/],
    [{ messages: [{ role: 'user', content: [{ type: 'text', text: 'q', cache_control: true }] }] }, /^messages\.0\.content\.0\.cache_control: Input should be a valid dictionary/],
  ])('rejects %j', (body, message) => {
    expect(() => parse(body)).toThrow(message);
  });
});
