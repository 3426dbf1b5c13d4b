import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { MessageSchema, Role } from '../../../gen/llmgateway/v1/chat_pb.js';
import { convertMessages } from '../../../src/providers/openai/convert-messages.js';
import { familyTraits } from '../../../src/providers/openai/family.js';
import type { OpenAIFamily } from '../../../src/providers/openai/wire-types.js';

type Init = MessageInitShape<typeof MessageSchema>;
const text = (value: string, signature = '') => ({ kind: { case: 'text' as const, value: { text: value, signature } } });
const call = (id: string, signature = '') => ({ kind: { case: 'toolCall' as const, value: { id, name: 'f', argumentsJson: '{"a":1}', signature } } });
const result = (toolCallId: string, parts: string[] = [], isError = false) => ({
  kind: { case: 'toolResult' as const, value: { toolCallId, content: parts.map((part) => text(part)), isError } },
});
const reasoning = (value: string, providerType: string, signature = '') => ({ kind: { case: 'reasoning' as const, value: { text: value, providerType, signature } } });
const convert = (messages: Init[], family: OpenAIFamily = 'openai') => convertMessages(messages.map((message) => create(MessageSchema, message)), familyTraits(family));

describe('convertMessages', () => {
  it('keeps developer for OpenAI and sends it as system to compatible hosts', () => {
    const messages: Init[] = [{ role: Role.SYSTEM, content: [text('a')] }, { role: Role.DEVELOPER, content: [text('b')] }];
    expect(convert(messages).messages.map((message) => message.role)).toEqual(['system', 'developer']);
    expect(convert(messages, 'openai-compatible').messages.map((message) => message.role)).toEqual(['system', 'system']);
  });

  it('sends images as URLs, bytes as data URLs, detail passed through', () => {
    const { messages } = convert([
      {
        role: Role.USER,
        name: 'ada',
        content: [
          text('look'),
          { kind: { case: 'image', value: { source: { case: 'url', value: 'https://x.test/a.png' }, detail: 'low' } } },
          { kind: { case: 'image', value: { source: { case: 'data', value: new Uint8Array([1, 2, 3]) }, mediaType: 'image/jpeg' } } },
        ],
      },
    ]);
    expect(messages).toEqual([
      {
        role: 'user',
        name: 'ada',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'https://x.test/a.png', detail: 'low' } },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AQID' } },
        ],
      },
    ]);
  });

  it('sends one tool message per result, an empty result as "", ids unchanged', () => {
    const { messages, warnings } = convert([
      { role: Role.ASSISTANT, content: [call('call_1'), call('call_2')] },
      { role: Role.TOOL, content: [result('call_1', ['18C']), result('call_2')] },
      { role: Role.TOOL, content: [result('call_3', ['a', 'b'], true)] },
    ]);
    expect(messages).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
          { id: 'call_2', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '18C' },
      { role: 'tool', tool_call_id: 'call_2', content: '' },
      { role: 'tool', tool_call_id: 'call_3', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
    ]);
    expect(warnings.map((warning) => warning.param)).toEqual(['messages.content.tool_result.is_error']);
  });

  it('puts tool results found in a user turn first, as tool messages', () => {
    const { messages } = convert([{ role: Role.USER, content: [result('call_1', ['ok']), text('and now?')] }]);
    expect(messages).toEqual([
      { role: 'tool', tool_call_id: 'call_1', content: 'ok' },
      { role: 'user', content: 'and now?' },
    ]);
  });

  it('warns once for Gemini signatures it cannot send', () => {
    const { messages, warnings } = convert([{ role: Role.ASSISTANT, content: [text('hi', 'sig-t'), call('c1', 'sig-1'), call('c2', 'sig-2')] }]);
    expect(messages[0]).toMatchObject({ content: 'hi' });
    expect(warnings.map((warning) => warning.param)).toEqual(['messages.content.text.signature', 'messages.content.tool_call.signature']);
  });

  it('drops reasoning for OpenAI (Chat Completions cannot take it back), with a warning', () => {
    const { messages, warnings } = convert([{ role: Role.ASSISTANT, content: [reasoning('r', 'openai'), text('4')] }]);
    expect(messages).toEqual([{ role: 'assistant', content: '4' }]);
    expect(warnings.map((warning) => warning.param)).toEqual(['messages.content.reasoning']);
  });

  it('sends compatible-host reasoning back as reasoning_content, and drops other families with a warning', () => {
    const own = convert([{ role: Role.ASSISTANT, content: [reasoning('mine', 'openai-compatible'), text('4')] }], 'openai-compatible');
    expect(own).toEqual({ messages: [{ role: 'assistant', content: '4', reasoning_content: 'mine' }], warnings: [] });
    const unsigned = convert([{ role: Role.ASSISTANT, content: [reasoning('plain', ''), text('4')] }], 'openai-compatible');
    expect(unsigned.messages[0]).toMatchObject({ reasoning_content: 'plain' });
    const foreign = convert([{ role: Role.ASSISTANT, content: [reasoning('theirs', 'anthropic', 'sig'), text('4')] }], 'openai-compatible');
    expect(foreign.messages).toEqual([{ role: 'assistant', content: '4' }]);
    expect(foreign.warnings.map((warning) => warning.param)).toEqual(['messages.content.reasoning']);
  });

  it('always sends reasoning_content on compatible tool-call turns (DeepSeek 400s without it)', () => {
    const { messages } = convert([{ role: Role.ASSISTANT, content: [reasoning('x', 'gemini', 'sig'), call('c1')] }], 'openai-compatible');
    expect(messages[0]).toMatchObject({ content: null, reasoning_content: '' });
    expect(convert([{ role: Role.ASSISTANT, content: [call('c1')] }]).messages[0]).not.toHaveProperty('reasoning_content');
  });

  it('keeps an empty user turn and joins assistant text parts', () => {
    expect(convert([{ role: Role.USER, content: [] }, { role: Role.ASSISTANT, content: [text('a'), text('b')] }]).messages).toEqual([
      { role: 'user', content: '' },
      { role: 'assistant', content: 'ab' },
    ]);
  });
});
