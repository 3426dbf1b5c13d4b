// Tier 1 for the Responses surface's pure parts: the request → canonical
// conversion (what each parameter becomes, what goes to provider_options),
// the stream renderer's events for interleaved calls and signed reasoning,
// encrypted_content that was altered, and input-item paging.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { FinishReason, ReasoningEffort, ResponseFormatType, Role, StreamChunkSchema, ToolChoiceMode, type StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import { decodeReasoning, encodeReasoning } from '../../../src/http/responses/encrypted-reasoning.js';
import { pageInputItems } from '../../../src/http/responses/input-items-page.js';
import { parseInputItems } from '../../../src/http/responses/parse-input.js';
import { parseResponsesRequest } from '../../../src/http/responses/parse-request.js';
import { ResponsesStreamRenderer } from '../../../src/http/responses/render-stream.js';
import type { ResponseIdentity } from '../../../src/http/responses/render-response.js';

describe('parseResponsesRequest', () => {
  it('maps every named parameter onto the canonical request and echoes the settings', () => {
    const parsed = parseResponsesRequest({
      model: 'anthropic/claude',
      input: 'Hi',
      instructions: 'Be brief.',
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }, { type: 'function', name: 'g', strict: true, parameters: { type: 'object', additionalProperties: false } }],
      tool_choice: { type: 'function', name: 'f' },
      parallel_tool_calls: false,
      text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true }, verbosity: 'low' },
      reasoning: { effort: 'high', summary: 'concise' },
      max_output_tokens: 100,
      temperature: 0.5,
      top_p: 0.9,
      metadata: { a: 'b' },
      user: 'u-1',
      store: false,
      previous_response_id: 'resp_1',
      include: ['reasoning.encrypted_content'],
      service_tier: 'flex',
    });
    const { chat } = parsed;
    expect(chat).toMatchObject({ model: 'anthropic/claude', parallelToolCalls: false, maxOutputTokens: 100, temperature: 0.5, topP: 0.9, user: 'u-1', metadata: { a: 'b' } });
    expect(chat.tools.map((tool) => [tool.name, tool.strict])).toEqual([['f', false], ['g', true]]);
    expect(chat.toolChoice).toMatchObject({ mode: ToolChoiceMode.TOOL, toolName: 'f' });
    expect(chat.responseFormat).toMatchObject({ type: ResponseFormatType.JSON_SCHEMA, schemaName: 'out', strict: true });
    expect(chat.reasoning).toMatchObject({ effort: ReasoningEffort.HIGH, includeReasoning: true });
    expect(chat.providerOptions).toEqual({ service_tier: 'flex', verbosity: 'low' });
    expect(parsed).toMatchObject({ stream: false, includeEncryptedReasoning: true, summarizeReasoning: true });
    expect(parsed.settings).toMatchObject({ instructions: 'Be brief.', store: false, previous_response_id: 'resp_1', reasoning: { effort: 'high', summary: 'concise' } });
    expect(parsed.inputItems).toEqual([{ id: expect.stringMatching(/^msg_/), type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }]);
  });

  it('safety_identifier is the end user and prompt_cache_key the session (affinity), not provider options', () => {
    const parsed = parseResponsesRequest({ model: 'm', input: 'x', safety_identifier: 'end-user-7', prompt_cache_key: 'conversation-42' });
    expect(parsed.chat.user).toBe('end-user-7');
    expect(parsed.chat.gateway?.sessionId).toBe('conversation-42');
    expect(parsed.chat.providerOptions).toBeUndefined();
    expect(parseResponsesRequest({ model: 'm', input: 'x', user: 'u', safety_identifier: 's' }).chat.user).toBe('u');
  });

  it('store defaults to true; tools and reasoning absent leave the canonical fields unset', () => {
    const parsed = parseResponsesRequest({ model: 'm', input: [{ role: 'user', content: 'x' }] });
    expect(parsed.settings).toMatchObject({ store: true, tool_choice: 'auto', tools: [], temperature: 1, top_p: 1, text: { format: { type: 'text' } } });
    expect(parsed.chat.reasoning).toBeUndefined();
    expect(parsed.chat.providerOptions).toBeUndefined();
  });
});

describe('parseInputItems', () => {
  it('groups assistant-side items into one turn and keeps each tool output a tool turn', () => {
    const messages = parseInputItems(
      [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'q' }] },
        { type: 'reasoning', summary: [], encrypted_content: encodeReasoning({ text: 't', signature: 's', redactedData: '', providerType: 'anthropic' }) },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'a' }] },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'r' },
      ],
      'input',
    );
    expect(messages.map((message) => [message.role, message.content.map((part) => part.kind.case)])).toEqual([
      [Role.USER, ['text']],
      [Role.ASSISTANT, ['reasoning', 'text', 'toolCall']],
      [Role.TOOL, ['toolResult']],
    ]);
    expect(messages[1]?.content[0]?.kind.value).toMatchObject({ text: 't', signature: 's', providerType: 'anthropic' });
  });

  it('refuses encrypted_content the gateway did not make, or mangled', () => {
    const altered = `${encodeReasoning({ text: 't', signature: 's', redactedData: '', providerType: 'anthropic' })}x!`;
    expect(decodeReasoning(altered)).toBeNull();
    expect(() => parseInputItems([{ type: 'reasoning', summary: [], encrypted_content: 'gAAAAB-openai-blob' }], 'input')).toThrow(/was not produced by this gateway/);
  });
});

const identity: ResponseIdentity = {
  id: 'resp_test',
  createdAt: 1_700_000_000_000,
  model: 'm',
  summarizeReasoning: true,
  settings: parseResponsesRequest({ model: 'm', input: 'x' }).settings,
};
const chunk = (event: MessageInitShape<typeof StreamChunkSchema>['event']): StreamChunk => create(StreamChunkSchema, { event });

describe('ResponsesStreamRenderer', () => {
  it('closes signed reasoning at its signature, keeps interleaved calls apart and ends with the usage', () => {
    const renderer = new ResponsesStreamRenderer(identity, true);
    const events = [
      chunk({ case: 'start', value: { id: 'x', model: 'm' } }),
      chunk({ case: 'reasoningDelta', value: { text: 'think', providerType: 'anthropic' } }),
      chunk({ case: 'reasoningDelta', value: { signature: 'sig' } }),
      chunk({ case: 'textDelta', value: { text: 'Hi' } }),
      chunk({ case: 'toolCallStart', value: { index: 0, id: 'a', name: 'f' } }),
      chunk({ case: 'toolCallStart', value: { index: 1, id: 'b', name: 'g' } }),
      chunk({ case: 'toolCallDelta', value: { index: 1, argumentsDelta: '{"y":2}' } }),
      chunk({ case: 'toolCallDelta', value: { index: 0, argumentsDelta: '{"x":1}' } }),
      chunk({ case: 'finish', value: { reason: FinishReason.TOOL_CALLS } }),
      chunk({ case: 'usage', value: { inputTokens: 3, outputTokens: 4, totalTokens: 7 } }),
    ].flatMap((entry) => renderer.push(entry));
    events.push(...renderer.end());
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const done = events.filter((event) => event.type === 'response.output_item.done').map((event) => event['item'] as { type: string; arguments?: string; encrypted_content?: string });
    expect(done.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call', 'function_call']);
    expect(decodeReasoning(done[0]!.encrypted_content!)).toEqual({ text: 'think', signature: 'sig', redactedData: '', providerType: 'anthropic' });
    expect(done.slice(2).map((item) => item.arguments)).toEqual(['{"x":1}', '{"y":2}']);
    const completed = events.at(-1)!;
    expect(completed.type).toBe('response.completed');
    expect(completed['response']).toMatchObject({ status: 'completed', usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7 } });
    expect(renderer.final?.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call', 'function_call']);
  });

  it('holds a call that starts while the open one is incomplete, then streams it on; a fragment after its done is not sent', () => {
    const renderer = new ResponsesStreamRenderer(identity, false);
    const events = [
      chunk({ case: 'start', value: { id: 'x', model: 'm' } }),
      chunk({ case: 'toolCallStart', value: { index: 0, id: 'a', name: 'f' } }),
      chunk({ case: 'toolCallDelta', value: { index: 0, argumentsDelta: '{"x"' } }),
      chunk({ case: 'toolCallStart', value: { index: 1, id: 'b', name: 'g' } }),
      chunk({ case: 'toolCallDelta', value: { index: 1, argumentsDelta: '{"y"' } }),
      chunk({ case: 'toolCallDelta', value: { index: 0, argumentsDelta: ':1}' } }),
      chunk({ case: 'toolCallDelta', value: { index: 1, argumentsDelta: ':2' } }),
      chunk({ case: 'textDelta', value: { text: 'Hi' } }),
      chunk({ case: 'toolCallDelta', value: { index: 1, argumentsDelta: '}' } }),
      chunk({ case: 'finish', value: { reason: FinishReason.TOOL_CALLS } }),
    ].flatMap((entry) => renderer.push(entry));
    events.push(...renderer.end());
    const shape = events.slice(2, -1).map((event) => [event.type.replace('response.', ''), event.output_index, event['delta'] ?? event['arguments'] ?? '']);
    expect(shape).toEqual([
      ['output_item.added', 0, ''],
      ['function_call_arguments.delta', 0, '{"x"'],
      ['function_call_arguments.delta', 0, ':1}'],
      ['function_call_arguments.done', 0, '{"x":1}'],
      ['output_item.done', 0, ''],
      ['output_item.added', 1, ''],
      ['function_call_arguments.delta', 1, '{"y"'],
      ['function_call_arguments.delta', 1, ':2'],
      ['function_call_arguments.done', 1, '{"y":2'],
      ['output_item.done', 1, ''],
      ['output_item.added', 2, ''],
      ['content_part.added', 2, ''],
      ['output_text.delta', 2, 'Hi'],
      ['output_text.done', 2, ''],
      ['content_part.done', 2, ''],
      ['output_item.done', 2, ''],
    ]);
    expect(renderer.final?.output.map((item) => (item.type === 'function_call' ? item.arguments : item.type))).toEqual(['{"x":1}', '{"y":2', 'message']);
  });

  it('a length finish ends with response.incomplete and an incomplete message', () => {
    const renderer = new ResponsesStreamRenderer(identity, false);
    const events = [
      chunk({ case: 'start', value: { id: 'x', model: 'm' } }),
      chunk({ case: 'textDelta', value: { text: 'Once' } }),
      chunk({ case: 'finish', value: { reason: FinishReason.LENGTH } }),
    ].flatMap((entry) => renderer.push(entry));
    events.push(...renderer.end());
    expect(events.at(-1)).toMatchObject({ type: 'response.incomplete', response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } });
    expect(events.find((event) => event.type === 'response.output_item.done')?.['item']).toMatchObject({ status: 'incomplete' });
  });
});

describe('pageInputItems', () => {
  const items = ['a', 'b', 'c', 'd'].map((id) => ({ id }));
  it('pages newest first by default, with after / before cursors', () => {
    expect(pageInputItems(items, { limit: '2' })).toEqual({ object: 'list', data: [{ id: 'd' }, { id: 'c' }], first_id: 'd', last_id: 'c', has_more: true });
    expect(pageInputItems(items, { limit: '2', after: 'c' }).data).toEqual([{ id: 'b' }, { id: 'a' }]);
    expect(pageInputItems(items, { order: 'asc', before: 'c' })).toMatchObject({ data: [{ id: 'a' }, { id: 'b' }], has_more: false });
    expect(() => pageInputItems(items, { limit: '101' })).toThrow(/between 1 and 100/);
    expect(() => pageInputItems(items, { after: 'zz' })).toThrow(/no input item with id 'zz'/);
  });
});
