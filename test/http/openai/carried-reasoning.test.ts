// Signed reasoning (Anthropic thinking) on the OpenAI surface: it rides in the
// id of the tool call that follows it, in unary answers and streams, and is
// put back in its place when the client echoes the assistant turn — byte for
// byte, ahead of `reasoning_content` (which only shows it as text).
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { ChatResponseSchema, FinishReason, Role, StreamChunkSchema, type StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import { parseChatRequest } from '../../../src/http/openai/parse-request.js';
import { renderCompletion } from '../../../src/http/openai/render-response.js';
import { StreamRenderer } from '../../../src/http/openai/render-stream.js';
import { InvalidRequestError } from '../../../src/http/openai/request-error.js';
import { decodeCarriedReasoning, decodeToolCallId, encodeToolCallId, type CarriedReasoning } from '../../../src/http/tool-call-id.js';

const thought = (text: string, signature: string, redactedData = ''): CarriedReasoning => ({ text, signature, redactedData, providerType: 'anthropic' });
const FIRST = thought('The user wants "Paris" — I’ll call get_weather ✓\n'.repeat(30), 'EqQBCkgIARABGAIiQL+/sig==');
const REDACTED = thought('', '', 'EmwKAhgBEgy3va3pzix/LafPsn4a');
const SECOND = thought('Now Rome.', 'sig-second');

describe('the tool-call id codec', () => {
  it('carries a signature and reasoning parts byte for byte, within [A-Za-z0-9_-]', () => {
    const wire = encodeToolCallId('toolu_01', 'gsig', [FIRST, REDACTED]);
    expect(wire).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeToolCallId(wire)).toEqual({ id: 'toolu_01', signature: 'gsig' });
    expect(decodeCarriedReasoning(wire)).toEqual([FIRST, REDACTED]);
    const withoutSignature = encodeToolCallId('toolu_02', '', [SECOND]);
    expect(decodeToolCallId(withoutSignature)).toEqual({ id: 'toolu_02', signature: '' });
    expect(decodeCarriedReasoning(withoutSignature)).toEqual([SECOND]);
  });

  it('an id without reasoning carries none; an altered one cannot be read (null)', () => {
    expect(encodeToolCallId('call_1', '', [])).toBe('call_1');
    expect(decodeCarriedReasoning('call_1')).toEqual([]);
    const wire = encodeToolCallId('toolu_01', '', [FIRST]);
    expect(decodeCarriedReasoning(wire.slice(0, -7))).toBeNull();
    expect(decodeCarriedReasoning(`toolu_01__reasoning__${Buffer.from('{"t":1}').toString('base64url')}`)).toBeNull();
  });
});

const ASSISTANT_TURN = [
  { kind: { case: 'reasoning' as const, value: FIRST } },
  { kind: { case: 'reasoning' as const, value: REDACTED } },
  { kind: { case: 'text' as const, value: { text: 'Checking both.' } } },
  { kind: { case: 'toolCall' as const, value: { id: 'toolu_paris', name: 'get_weather', argumentsJson: '{"city":"Paris"}' } } },
  { kind: { case: 'reasoning' as const, value: SECOND } },
  { kind: { case: 'toolCall' as const, value: { id: 'toolu_rome', name: 'get_weather', argumentsJson: '{"city":"Rome"}' } } },
];

describe('rendering', () => {
  it('unary: each call carries the signed reasoning since the previous call; reasoning_content shows the text', () => {
    const response = create(ChatResponseSchema, {
      choices: [{ index: 0, finishReason: FinishReason.TOOL_CALLS, message: { role: Role.ASSISTANT, content: ASSISTANT_TURN } }],
    });
    const message = renderCompletion(response).choices[0]!.message;
    expect(message.reasoning_content).toBe(FIRST.text + SECOND.text);
    const ids = (message.tool_calls ?? []).map((call) => call.id);
    expect(ids.map(decodeToolCallId).map((decoded) => decoded.id)).toEqual(['toolu_paris', 'toolu_rome']);
    expect(ids.map(decodeCarriedReasoning)).toEqual([[FIRST, REDACTED], [SECOND]]);
  });

  it('unsigned reasoning (an OpenAI-compatible host) is not carried', () => {
    const response = create(ChatResponseSchema, {
      choices: [
        {
          index: 0,
          message: {
            role: Role.ASSISTANT,
            content: [
              { kind: { case: 'reasoning', value: { text: 'hmm', providerType: 'openai-compatible' } } },
              { kind: { case: 'toolCall', value: { id: 'call_1', name: 'f', argumentsJson: '{}' } } },
            ],
          },
        },
      ],
    });
    expect(renderCompletion(response).choices[0]?.message.tool_calls?.[0]?.id).toBe('call_1');
  });

  it('stream: the thinking deltas and their signature end up in the next call’s id', () => {
    type Event = MessageInitShape<typeof StreamChunkSchema>['event'];
    const chunk = (event: Event): StreamChunk => create(StreamChunkSchema, { choiceIndex: 0, event });
    const renderer = new StreamRenderer({ includeUsage: false });
    const half = FIRST.text.length / 2;
    const out = [
      chunk({ case: 'reasoningDelta', value: { text: FIRST.text.slice(0, half), providerType: 'anthropic' } }),
      chunk({ case: 'reasoningDelta', value: { text: FIRST.text.slice(half), providerType: 'anthropic' } }),
      chunk({ case: 'reasoningDelta', value: { signature: FIRST.signature, providerType: 'anthropic' } }),
      chunk({ case: 'reasoningDelta', value: { redactedData: REDACTED.redactedData, providerType: 'anthropic' } }),
      chunk({ case: 'textDelta', value: { text: 'Checking both.' } }),
      chunk({ case: 'toolCallStart', value: { index: 0, id: 'toolu_paris', name: 'get_weather' } }),
      chunk({ case: 'reasoningDelta', value: { text: SECOND.text, providerType: 'anthropic' } }),
      chunk({ case: 'reasoningDelta', value: { signature: SECOND.signature, providerType: 'anthropic' } }),
      chunk({ case: 'toolCallStart', value: { index: 1, id: 'toolu_rome', name: 'get_weather' } }),
      chunk({ case: 'finish', value: { reason: FinishReason.TOOL_CALLS } }),
    ].flatMap((item) => renderer.push(item));
    const ids = out.flatMap((item) => item.choices[0]?.delta.tool_calls ?? []).flatMap((call) => (call.id ? [call.id] : []));
    expect(ids.map(decodeCarriedReasoning)).toEqual([[FIRST, REDACTED], [SECOND]]);
    const shown = out.map((item) => (item.choices[0]?.delta as { reasoning_content?: string }).reasoning_content ?? '').join('');
    expect(shown).toBe(FIRST.text + SECOND.text);
  });
});

describe('parsing the echoed turn', () => {
  const echoed = () => {
    const response = create(ChatResponseSchema, {
      choices: [{ index: 0, finishReason: FinishReason.TOOL_CALLS, message: { role: Role.ASSISTANT, content: ASSISTANT_TURN } }],
    });
    return renderCompletion(response).choices[0]!.message;
  };

  it('puts the carried reasoning back in place and ignores reasoning_content; results find their calls', () => {
    const message = echoed();
    const { chat } = parseChatRequest({
      model: 'anthropic/claude',
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        message,
        ...(message.tool_calls ?? []).map((call) => ({ role: 'tool', tool_call_id: call.id, content: '18C' })),
      ],
    });
    const assistant = chat.messages[1]!;
    expect(assistant.content.map((part) => part.kind.case)).toEqual(['reasoning', 'reasoning', 'text', 'toolCall', 'reasoning', 'toolCall']);
    const reasoning = assistant.content.flatMap((part) => (part.kind.case === 'reasoning' ? [part.kind.value] : []));
    expect(reasoning).toEqual([FIRST, REDACTED, SECOND].map((part) => expect.objectContaining(part)));
    const calls = assistant.content.flatMap((part) => (part.kind.case === 'toolCall' ? [part.kind.value.id] : []));
    expect(calls).toEqual(['toolu_paris', 'toolu_rome']);
    const results = chat.messages.slice(2).map((tool) => (tool.content[0]?.kind.case === 'toolResult' ? tool.content[0].kind.value.toolCallId : ''));
    expect(results).toEqual(['toolu_paris', 'toolu_rome']);
  });

  it('an id whose carried reasoning was altered is a 400 naming the id', () => {
    const message = echoed();
    const altered = { ...message, tool_calls: message.tool_calls!.map((call, index) => (index === 0 ? { ...call, id: call.id.slice(0, -5) } : call)) };
    let failure: unknown;
    try {
      parseChatRequest({ model: 'anthropic/claude', messages: [{ role: 'user', content: 'x' }, altered] });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(InvalidRequestError);
    expect((failure as InvalidRequestError).param).toBe('messages[1].tool_calls[0].id');
  });
});
