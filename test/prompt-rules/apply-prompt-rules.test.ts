// applyPromptRules: each operation, ordering, first-turn-only, templates, no mutation, regex groups.
import { beforeAll, describe, expect, it } from 'vitest';
import { clone, create, equals } from '@bufbuild/protobuf';
import { ChatRequestSchema, ContentPartSchema, type ContentPart } from '../../gen/llmgateway/v1/chat_pb.js';
import { applyPromptRules, MAX_REGEX_INPUT, type PromptRuleContext } from '../../src/core/prompt-rules/apply-prompt-rules.js';
import { chat, makeRule, regexRule, Role, turnsOf } from './rule-fixtures.js';
import { loadLinearRegexEngine } from '../../src/core/regex/linear-regex.js';

const NOW = Date.UTC(2026, 10, 26, 9, 5, 7, 123);
const context: PromptRuleContext = { keyName: 'team-a', keyMetadata: { team: 'platform', shared: 'from-key' }, now: NOW };

const conversation = () =>
  chat([
    [Role.SYSTEM, 'You are helpful.'],
    [Role.DEVELOPER, 'Use tools.'],
    [Role.USER, 'Hi'],
    [Role.ASSISTANT, 'Hello!'],
    [Role.USER, ['What is 2+2?', 'Explain.']],
  ]);

// The engine is loaded on first need by the gateway's async paths; these call the synchronous parts directly.
beforeAll(loadLinearRegexEngine);

describe('applyPromptRules operations', () => {
  it('SET_SYSTEM replaces every system and developer message with one system message first', () => {
    const { request, applied } = applyPromptRules(conversation(), [makeRule({ name: 'set', operation: 'set-system', text: 'Only this.' })], context);
    expect(turnsOf(request)).toEqual([
      [Role.SYSTEM, ['Only this.']],
      [Role.USER, ['Hi']],
      [Role.ASSISTANT, ['Hello!']],
      [Role.USER, ['What is 2+2?', 'Explain.']],
    ]);
    expect(applied).toEqual(['set']);
  });

  it('PREPEND_SYSTEM and APPEND_SYSTEM join the first / last system-or-developer message', () => {
    const { request } = applyPromptRules(
      conversation(),
      [makeRule({ name: 'a', operation: 'prepend-system', text: 'Policy.' }), makeRule({ name: 'b', operation: 'append-system', text: 'Bye.' })],
      context,
    );
    expect(turnsOf(request).slice(0, 2)).toEqual([
      [Role.SYSTEM, ['Policy.\n\nYou are helpful.']],
      [Role.DEVELOPER, ['Use tools.\n\nBye.']],
    ]);
  });

  it('system operations add a system message first when there is none', () => {
    const input = chat([[Role.USER, 'Hi']]);
    for (const operation of ['prepend-system', 'append-system', 'set-system'] as const) {
      const { request, applied } = applyPromptRules(input, [makeRule({ operation, text: 'S' })], context);
      expect(turnsOf(request)).toEqual([
        [Role.SYSTEM, ['S']],
        [Role.USER, ['Hi']],
      ]);
      expect(applied).toEqual(['rule']);
    }
  });

  it('PREPEND_USER / APPEND_USER join the last user message’s first / last text part', () => {
    const { request, applied } = applyPromptRules(
      conversation(),
      [makeRule({ name: 'p', operation: 'prepend-user', text: '[ctx]' }), makeRule({ name: 'q', operation: 'append-user', text: '[end]' })],
      context,
    );
    expect(turnsOf(request)[2]).toEqual([Role.USER, ['Hi']]);
    expect(turnsOf(request)[4]).toEqual([Role.USER, ['[ctx]\n\nWhat is 2+2?', 'Explain.\n\n[end]']]);
    expect(applied).toEqual(['p', 'q']);
  });

  it('user operations add a text part to an image-only message and skip a conversation without user turns', () => {
    const imageOnly = chat([[Role.USER, []]]);
    imageOnly.messages[0]!.content.push(create(ContentPartSchema, { kind: { case: 'image', value: { source: { case: 'url', value: 'https://x.test/a.png' } } } }));
    const prepended = applyPromptRules(imageOnly, [makeRule({ operation: 'prepend-user', text: 'Describe:' })], context);
    expect(turnsOf(prepended.request)).toEqual([[Role.USER, ['Describe:', '<image>']]]);
    const appended = applyPromptRules(imageOnly, [makeRule({ operation: 'append-user', text: 'Thanks' })], context);
    expect(turnsOf(appended.request)).toEqual([[Role.USER, ['<image>', 'Thanks']]]);

    const none = applyPromptRules(chat([[Role.SYSTEM, 'S']]), [makeRule({ operation: 'append-user', text: 'x' })], context);
    expect(turnsOf(none.request)).toEqual([[Role.SYSTEM, ['S']]]);
    expect(none.applied).toEqual([]);
  });

  it('REGEX_REPLACE rewrites text parts of the chosen roles, with groups; default user+system (developer included)', () => {
    const rule = regexRule('mask', '(\\d+)\\+(\\d+)', 'g', '$2 plus $1');
    const input = chat([
      [Role.SYSTEM, 'sys 1+2'],
      [Role.DEVELOPER, 'dev 3+4'],
      [Role.USER, ['5+6 and 7+8', 'no digits']],
      [Role.ASSISTANT, '9+9'],
    ]);
    const { request, applied } = applyPromptRules(input, [rule], context);
    expect(turnsOf(request)).toEqual([
      [Role.SYSTEM, ['sys 2 plus 1']],
      [Role.DEVELOPER, ['dev 4 plus 3']],
      [Role.USER, ['6 plus 5 and 8 plus 7', 'no digits']],
      [Role.ASSISTANT, ['9+9']],
    ]);
    expect(applied).toEqual(['mask']);

    const named = regexRule('named', '(?<word>secret)', 'i', '[$<word> removed]', { roles: ['assistant'] });
    expect(turnsOf(applyPromptRules(chat([[Role.ASSISTANT, 'A SECRET secret']]), [named], context).request)).toEqual([
      [Role.ASSISTANT, ['A [SECRET removed] secret']],
    ]);
  });

  it('REGEX_REPLACE without a match is not reported; the replacement is not a template', () => {
    const miss = applyPromptRules(chat([[Role.USER, 'abc']]), [regexRule('miss', 'zzz', 'g', 'y')], context);
    expect(miss.applied).toEqual([]);
    const literal = applyPromptRules(chat([[Role.USER, 'abc']]), [regexRule('lit', 'b', '', '{{date}}')], context);
    expect(turnsOf(literal.request)).toEqual([[Role.USER, ['a{{date}}c']]]);
  });

  it('REGEX_REPLACE with ROLE_TOOL rewrites tool-result text in any turn; user rules, tool calls and tool definitions are left alone', () => {
    const text = (value: string) => create(ContentPartSchema, { kind: { case: 'text', value: { text: value } } });
    const image = create(ContentPartSchema, { kind: { case: 'image', value: { source: { case: 'url', value: 'https://x/zork.png' } } } });
    const result = (id: string, ...content: ContentPart[]) => create(ContentPartSchema, { kind: { case: 'toolResult', value: { toolCallId: id, content } } });
    const input = create(ChatRequestSchema, {
      model: 'smart',
      tools: [{ name: 'lookup', description: 'finds zork' }],
      messages: [
        { role: Role.USER, content: [text('user zork')] },
        { role: Role.ASSISTANT, content: [{ kind: { case: 'toolCall', value: { id: 'c1', name: 'lookup', argumentsJson: '{"q":"zork"}' } } }] },
        // An OpenAI / Responses tool turn, then an Anthropic / Gemini user turn carrying a result beside its own text.
        { role: Role.TOOL, content: [result('c1', text('tool zork'))] },
        { role: Role.USER, content: [result('c1', text('a zork'), image, text('b zork')), text('more zork')] },
      ],
    });
    const before = clone(ChatRequestSchema, input);
    const texts = (request: typeof input) =>
      request.messages.map((message) =>
        message.content.map((part) => {
          if (part.kind.case === 'text') return part.kind.value.text;
          if (part.kind.case === 'toolCall') return part.kind.value.argumentsJson;
          if (part.kind.case === 'toolResult') return part.kind.value.content.map((inner) => (inner.kind.case === 'text' ? inner.kind.value.text : '<image>'));
          return '?';
        }),
      );

    const user = applyPromptRules(input, [regexRule('user', 'zork', 'g', 'U')], context);
    expect(texts(user.request)).toEqual([['user U'], ['{"q":"zork"}'], [['tool zork']], [['a zork', '<image>', 'b zork'], 'more U']]);

    const tool = applyPromptRules(input, [regexRule('tool', 'zork', 'g', 'T', { roles: ['tool'] })], context);
    expect(texts(tool.request)).toEqual([['user zork'], ['{"q":"zork"}'], [['tool T']], [['a T', '<image>', 'b T'], 'more zork']]);
    expect(tool.applied).toEqual(['tool']);
    expect(tool.request.tools[0]?.description).toBe('finds zork');
    expect(equals(ChatRequestSchema, input, before)).toBe(true);

    const miss = applyPromptRules(chat([[Role.USER, 'zork']]), [regexRule('tool', 'zork', 'g', 'T', { roles: ['tool'] })], context);
    expect(miss.applied).toEqual([]);
  });

  it('REGEX_REPLACE runs over the first MAX_REGEX_INPUT characters of a part only', () => {
    const long = `${'a'.repeat(MAX_REGEX_INPUT - 1)}bb${'b'.repeat(10)}`;
    const { request } = applyPromptRules(chat([[Role.USER, long]]), [regexRule('b', 'b', 'g', 'X')], context);
    const text = turnsOf(request)[0]![1][0]!;
    expect(text).toBe(`${'a'.repeat(MAX_REGEX_INPUT - 1)}Xb${'b'.repeat(10)}`);
  });
});

describe('applyPromptRules order and conditions', () => {
  it('key rules first, then route rules; then by order, then by name; disabled rules skipped', () => {
    const rules = [
      makeRule({ name: 'route-b', scope: 'route', order: 1, text: 'R-b' }),
      makeRule({ name: 'route-a', scope: 'route', order: 1, text: 'R-a' }),
      makeRule({ name: 'route-first', scope: 'route', order: -5, text: 'R-first' }),
      makeRule({ name: 'key-late', scope: 'key', scopeId: 'key_1', order: 100, text: 'K-late' }),
      makeRule({ name: 'key-early', scope: 'key', scopeId: 'key_1', order: 0, text: 'K-early' }),
      makeRule({ name: 'off', enabled: false, text: 'OFF' }),
    ];
    const { request, applied } = applyPromptRules(chat([[Role.USER, 'Hi']]), rules, context);
    expect(applied).toEqual(['key-early', 'key-late', 'route-first', 'route-a', 'route-b']);
    expect(turnsOf(request)[0]).toEqual([Role.SYSTEM, ['K-early\n\nK-late\n\nR-first\n\nR-a\n\nR-b']]);
  });

  it('first_user_turn_only applies only with exactly one user message', () => {
    const rule = makeRule({ name: 'welcome', operation: 'prepend-user', text: 'First time!', firstUserTurnOnly: true });
    const first = applyPromptRules(chat([[Role.SYSTEM, 'S'], [Role.USER, 'Hi']]), [rule], context);
    expect(first.applied).toEqual(['welcome']);
    expect(turnsOf(first.request)[1]).toEqual([Role.USER, ['First time!\n\nHi']]);
    const later = applyPromptRules(conversation(), [rule], context);
    expect(later.applied).toEqual([]);
    expect(equals(ChatRequestSchema, later.request, conversation())).toBe(true);
    expect(applyPromptRules(chat([[Role.SYSTEM, 'S']]), [rule], context).applied).toEqual([]);
  });
});

describe('applyPromptRules templates', () => {
  it('expands every variable; key metadata wins over request metadata; missing ones are empty', () => {
    const text =
      'd={{date}} t={{ datetime }} k={{key.name}} m={{metadata.team}} s={{metadata.shared}} r={{metadata.only_request}} x={{metadata.none}} u={{user_prompt}}';
    const input = chat([[Role.USER, ['What', 'now?']]], { shared: 'from-request', only_request: 'req' });
    const { request } = applyPromptRules(input, [makeRule({ operation: 'set-system', text })], context);
    expect(turnsOf(request)[0]).toEqual([
      Role.SYSTEM,
      ['d=2026-11-26 t=2026-11-26T09:05:07Z k=team-a m=platform s=from-key r=req x= u=What\nnow?'],
    ]);
  });

  it('inserts values literally (no recursive expansion) and takes {{user_prompt}} from the original request', () => {
    const input = chat([[Role.USER, 'say {{date}} and $1 $&']]);
    const rules = [
      makeRule({ name: 'a', operation: 'prepend-user', text: 'pre' }),
      makeRule({ name: 'b', operation: 'append-system', text: 'Q: {{user_prompt}} by {{key.name}}' }),
    ];
    const { request } = applyPromptRules(input, rules, { ...context, keyName: '{{datetime}}', now: new Date(NOW) });
    expect(turnsOf(request)).toEqual([
      [Role.SYSTEM, ['Q: say {{date}} and $1 $& by {{datetime}}']],
      [Role.USER, ['pre\n\nsay {{date}} and $1 $&']],
    ]);
  });

  it('does not bring back in {{user_prompt}} what an earlier regex rule redacted', () => {
    const input = chat([[Role.USER, 'tell me secret-123 and secret-456']]);
    const rules = [
      regexRule('redact', 'secret-(\\d+)', 'g', '[redacted $1]', { order: 1 }),
      makeRule({ name: 'echo', operation: 'append-system', text: 'The user asked: {{user_prompt}}', order: 2 }),
    ];
    const { request } = applyPromptRules(input, rules, context);
    expect(turnsOf(request)).toEqual([
      [Role.SYSTEM, ['The user asked: tell me [redacted 123] and [redacted 456]']],
      [Role.USER, ['tell me [redacted 123] and [redacted 456]']],
    ]);
  });

  it('never mutates the input request', () => {
    const input = conversation();
    input.metadata = { team: 'x' };
    const before = clone(ChatRequestSchema, input);
    const rules = [
      makeRule({ name: 'set', operation: 'set-system', text: 'S' }),
      makeRule({ name: 'p', operation: 'prepend-user', text: 'P' }),
      regexRule('r', 'Hi', 'g', 'Hey'),
    ];
    const { request, applied } = applyPromptRules(input, rules, context);
    expect(applied).toEqual(['p', 'r', 'set']);
    expect(equals(ChatRequestSchema, input, before)).toBe(true);
    expect(request).not.toBe(input);
    expect(request.messages[1]).not.toBe(input.messages[2]);
    expect(applyPromptRules(input, [], context).request).not.toBe(input);
  });
});
