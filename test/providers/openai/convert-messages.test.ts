import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { MessageSchema, Role } from '../../../gen/llmgateway/v1/chat_pb.js';
import { convertMessages } from '../../../src/providers/openai/convert-messages.js';
import { familyTraits } from '../../../src/providers/openai/family.js';
import type { CompatibleHost } from '../../../src/providers/openai/compatible-host.js';
import type { OpenAIFamily } from '../../../src/providers/openai/wire-types.js';

type Init = MessageInitShape<typeof MessageSchema>;
const text = (value: string, signature = '') => ({ kind: { case: 'text' as const, value: { text: value, signature } } });
const call = (id: string, signature = '') => ({ kind: { case: 'toolCall' as const, value: { id, name: 'f', argumentsJson: '{"a":1}', signature } } });
const result = (toolCallId: string, parts: string[] = [], isError = false) => ({
  kind: { case: 'toolResult' as const, value: { toolCallId, content: parts.map((part) => text(part)), isError } },
});
const reasoning = (value: string, providerType: string, signature = '') => ({ kind: { case: 'reasoning' as const, value: { text: value, providerType, signature } } });
const convert = (messages: Init[], family: OpenAIFamily = 'openai', host?: CompatibleHost) =>
  convertMessages(messages.map((message) => create(MessageSchema, message)), familyTraits(family, host));
const image = { kind: { case: 'image' as const, value: { source: { case: 'url' as const, value: 'https://x.test/a.png' } } } };

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

  it('sends compatible-host reasoning back in both fields a host may read, and drops other families with a warning', () => {
    const own = convert([{ role: Role.ASSISTANT, content: [reasoning('mine', 'openai-compatible'), text('4')] }], 'openai-compatible');
    expect(own).toEqual({ messages: [{ role: 'assistant', content: '4', reasoning_content: 'mine', reasoning: 'mine' }], warnings: [] });
    const unsigned = convert([{ role: Role.ASSISTANT, content: [reasoning('plain', ''), text('4')] }], 'openai-compatible');
    expect(unsigned.messages[0]).toMatchObject({ reasoning_content: 'plain', reasoning: 'plain' });
    const foreign = convert([{ role: Role.ASSISTANT, content: [reasoning('theirs', 'anthropic', 'sig'), text('4')] }], 'openai-compatible');
    expect(foreign.messages).toEqual([{ role: 'assistant', content: '4' }]);
    expect(foreign.warnings.map((warning) => warning.param)).toEqual(['messages.content.reasoning']);
  });

  it('sends Groq reasoning as `reasoning` only, and a turn without reasoning with no reasoning field at all', () => {
    const own = convert([{ role: Role.ASSISTANT, content: [reasoning('mine', 'openai-compatible'), call('c1')] }], 'openai-compatible', 'groq');
    expect(own.messages[0]).toEqual({ role: 'assistant', content: null, reasoning: 'mine', tool_calls: [expect.objectContaining({ id: 'c1' })] });
    for (const host of ['groq', 'other'] as const) {
      expect(Object.keys(convert([{ role: Role.ASSISTANT, content: [call('c1')] }], 'openai-compatible', host).messages[0] ?? {}).sort()).toEqual(['content', 'role', 'tool_calls']);
    }
  });

  it('DeepSeek: reasoning_content on every assistant message of an exchange with a tool call (empty when none), none elsewhere', () => {
    const { messages, warnings } = convert(
      [
        { role: Role.USER, content: [text('hi')] },
        { role: Role.ASSISTANT, content: [reasoning('greet', 'openai-compatible'), text('hello')] },
        { role: Role.USER, content: [text('weather?')] },
        { role: Role.ASSISTANT, content: [reasoning('x', 'gemini', 'sig'), call('c1')] },
        { role: Role.TOOL, content: [result('c1', ['sunny'])] },
        { role: Role.ASSISTANT, content: [reasoning('report', 'openai-compatible'), text('Sunny.')] },
        { role: Role.ASSISTANT, content: [text('Anything else?')] },
        { role: Role.USER, content: [text('thanks')] },
      ],
      'openai-compatible',
      'deepseek',
    );
    const assistants = messages.filter((message) => message.role === 'assistant');
    expect(assistants.map((message) => ('reasoning_content' in message ? message.reasoning_content : undefined))).toEqual([undefined, '', 'report', '']);
    expect(assistants.some((message) => 'reasoning' in message)).toBe(false);
    expect(warnings.map((warning) => warning.param)).toEqual(['messages.content.reasoning']);
  });

  it('compatible hosts get text-only content as one string, parts joined with "\\n"; images keep the parts', () => {
    const { messages } = convert(
      [
        { role: Role.USER, content: [text('<system-reminder>ctx</system-reminder>'), text('question')] },
        { role: Role.ASSISTANT, content: [text('Let me check.'), text(''), text('One sec.'), call('c1')] },
        { role: Role.TOOL, content: [result('c1', ['sunny', '22C'])] },
        { role: Role.USER, content: [text('look'), image] },
      ],
      'openai-compatible',
    );
    expect(messages.map((message) => message.content)).toEqual([
      '<system-reminder>ctx</system-reminder>\nquestion',
      'Let me check.\nOne sec.',
      'sunny\n22C',
      [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'https://x.test/a.png' } }],
    ]);
  });

  it('OpenAI keeps several text parts of a user turn as parts (it takes them)', () => {
    expect(convert([{ role: Role.USER, content: [text('a'), text('b')] }]).messages[0]?.content).toEqual([
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
    ]);
  });

  it('keeps an empty user turn and joins assistant text parts', () => {
    expect(convert([{ role: Role.USER, content: [] }, { role: Role.ASSISTANT, content: [text('a'), text('b')] }]).messages).toEqual([
      { role: 'user', content: '' },
      { role: 'assistant', content: 'a\nb' },
    ]);
  });
});
