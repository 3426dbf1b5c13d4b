import { create } from '@bufbuild/protobuf';
import { describe, expect, test } from 'vitest';
import { ContentPartSchema, Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { preprocess, stripCodeBlocks } from '../../src/core/experts/index.js';
import { chat, makeExpertConfig, message } from './fixtures.js';

const defaults = makeExpertConfig().preprocessing;

const conversation = chat(
  message(Role.SYSTEM, 'You are helpful.'),
  message(Role.USER, 'first question'),
  message(Role.ASSISTANT, 'first answer'),
  message(Role.USER, 'second question'),
  message(Role.ASSISTANT, 'second answer'),
  message(Role.USER, 'last question'),
);

describe('preprocess', () => {
  test('defaults: system prompt and the last user message only', () => {
    expect(preprocess(conversation, defaults)).toBe('system: You are helpful.\nuser: last question');
  });

  test('only the last user message when the system prompt is stripped', () => {
    expect(preprocess(conversation, { ...defaults, stripSystemPrompt: true })).toBe('last question');
  });

  test('keeps the last N turns before the last user message', () => {
    expect(preprocess(conversation, { ...defaults, stripSystemPrompt: true, keepLastTurns: 2 })).toBe(
      'user: second question\nassistant: second answer\nuser: last question',
    );
  });

  test('the last user message is found behind trailing tool turns', () => {
    const toolCall = create(ContentPartSchema, { kind: { case: 'toolCall', value: { id: 'c1', name: 'search', argumentsJson: '{}' } } });
    const toolResult = create(ContentPartSchema, {
      kind: { case: 'toolResult', value: { toolCallId: 'c1', name: 'search', content: [create(ContentPartSchema, { kind: { case: 'text', value: { text: 'RESULT DATA' } } })] } },
    });
    const request = chat(message(Role.USER, 'look it up'), message(Role.ASSISTANT, toolCall), message(Role.TOOL, toolResult));
    // The last user message is the one before the tool turns.
    expect(preprocess(request, { ...defaults, keepLastTurns: 0 })).toBe('look it up');
    const withTools = chat(message(Role.USER, 'q1'), message(Role.ASSISTANT, toolCall), message(Role.TOOL, toolResult), message(Role.USER, 'q2'));
    expect(preprocess(withTools, { ...defaults, keepLastTurns: 2 })).toBe('assistant: [tool call search]\ntool: RESULT DATA\nuser: q2');
    expect(preprocess(withTools, { ...defaults, keepLastTurns: 2, stripToolResults: true })).toBe('user: q1\nuser: q2');
  });

  test('attachments become a marker or disappear', () => {
    const image = create(ContentPartSchema, { kind: { case: 'image', value: { mediaType: 'image/png' } } });
    const request = chat(message(Role.USER, 'what is this', image));
    expect(preprocess(request, defaults)).toBe('what is this\n[image]');
    expect(preprocess(request, { ...defaults, stripAttachments: true })).toBe('what is this');
  });

  test('code blocks over N lines are stripped', () => {
    const long = 'fix this:\n```ts\na\nb\nc\nd\n```\nplease';
    const short = 'and this ```js\nx\n```';
    expect(stripCodeBlocks(long, 3)).toBe('fix this:\n[code block omitted]\nplease');
    expect(stripCodeBlocks(short, 3)).toBe(short);
    expect(stripCodeBlocks(long, 0)).toBe(long);
    expect(preprocess(chat(message(Role.USER, long)), { ...defaults, stripCodeBlocksOverLines: 2 })).toBe('fix this:\n[code block omitted]\nplease');
  });

  test('capped: older context gives way, then the last message is cut', () => {
    const capped = preprocess(conversation, { ...defaults, keepLastTurns: 4, maxCharacters: 40 });
    expect(capped.length).toBeLessThanOrEqual(40);
    expect(capped.endsWith('user: last question')).toBe(true);
    const huge = chat(message(Role.USER, 'x'.repeat(500)));
    expect(preprocess(huge, { ...defaults, maxCharacters: 100 })).toBe('x'.repeat(100));
  });

  test('no messages → empty input', () => {
    expect(preprocess(chat(), defaults)).toBe('');
  });
});
