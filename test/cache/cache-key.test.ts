import { describe, expect, it } from 'vitest';
import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import {
  ChatRequestSchema,
  ReasoningEffort,
  ResponseFormatType,
  Role,
  ToolChoiceMode,
  type ChatRequest,
} from '../../gen/llmgateway/v1/chat_pb.js';
import { cacheKeyFor, canonicalJson, resolvedModelOf, type CacheScope } from '../../src/core/cache/cache-key.js';
import type { RoutePlan } from '../../src/core/routing/route-plan.js';

type RequestInit = MessageInitShape<typeof ChatRequestSchema>;

const scope: CacheScope = { keyId: 'key-1', resolvedModel: 'openai/gpt-4o', mode: 'unary' };

/** A request with every answer-changing field set. */
function fullInit(): RequestInit {
  return {
    model: 'gpt',
    messages: [
      { role: Role.SYSTEM, content: [{ kind: { case: 'text', value: { text: 'Be brief.' } } }] },
      {
        role: Role.USER,
        name: 'ann',
        content: [
          { kind: { case: 'text', value: { text: 'What is in the picture?', signature: '' } } },
          { kind: { case: 'image', value: { source: { case: 'data', value: new Uint8Array([1, 2, 3, 4]) }, mediaType: 'image/png', detail: 'low' } } },
          { kind: { case: 'image', value: { source: { case: 'url', value: 'https://example.test/a.png' }, mediaType: 'image/png' } } },
        ],
      },
      {
        role: Role.ASSISTANT,
        content: [
          { kind: { case: 'reasoning', value: { text: 'Look closely.', signature: 'sig-r', providerType: 'anthropic' } } },
          { kind: { case: 'reasoning', value: { redactedData: 'opaque' } } },
          { kind: { case: 'text', value: { text: 'A cat.', signature: 'sig-t' } } },
          { kind: { case: 'toolCall', value: { id: 'call-1', name: 'lookup', argumentsJson: '{"q":"cat"}', signature: 'sig-c' } } },
        ],
      },
      {
        role: Role.TOOL,
        content: [
          {
            kind: {
              case: 'toolResult',
              value: { toolCallId: 'call-1', name: 'lookup', isError: false, content: [{ kind: { case: 'text', value: { text: 'felis catus' } } }] },
            },
          },
        ],
      },
    ],
    tools: [
      {
        name: 'lookup',
        description: 'Look something up',
        parameters: { type: 'object', properties: { q: { type: 'string' }, n: { type: 'integer' } }, required: ['q'] },
        strict: true,
      },
    ],
    toolChoice: { mode: ToolChoiceMode.TOOL, toolName: 'lookup' },
    parallelToolCalls: false,
    responseFormat: {
      type: ResponseFormatType.JSON_SCHEMA,
      schemaName: 'answer',
      description: 'the answer',
      schema: { type: 'object', properties: { a: { type: 'string' } } },
      strict: true,
    },
    temperature: 0.2,
    topP: 0.9,
    topK: 40,
    maxOutputTokens: 256,
    stop: ['END', 'STOP'],
    seed: 42n,
    presencePenalty: 0.1,
    frequencyPenalty: 0.3,
    reasoning: { effort: ReasoningEffort.LOW, budgetTokens: 1024, includeReasoning: true },
    user: 'end-user-7',
    metadata: { team: 'a', trace: 'x' },
    providerOptions: { logprobs: true, extra: { alpha: 1, beta: [1, 2, { z: 1, y: 2 }] } },
    candidateCount: 1,
    gateway: { cacheBypass: false, sessionId: 's-1' },
  };
}

const full = (mutate?: (request: ChatRequest) => void): ChatRequest => {
  const request = create(ChatRequestSchema, fullInit());
  mutate?.(request);
  return request;
};

const message = (request: ChatRequest, index: number) => request.messages[index]!;
const part = (request: ChatRequest, messageIndex: number, partIndex: number) => message(request, messageIndex).content[partIndex]!.kind;

describe('cacheKeyFor', () => {
  it('is a SHA-256 hex digest and deterministic', () => {
    const key = cacheKeyFor(full(), scope);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKeyFor(full(), scope)).toBe(key);
  });

  it('does not depend on field, map or Struct insertion order, nor on how the message was built', () => {
    const init = fullInit();
    // Same content, every object built in reverse key order (maps and Structs included).
    const reverse = (value: unknown): unknown => {
      if (value instanceof Uint8Array || typeof value === 'bigint' || value === null || typeof value !== 'object') return value;
      if (Array.isArray(value)) return value.map(reverse);
      return Object.fromEntries(Object.entries(value).reverse().map(([key, member]) => [key, reverse(member)]));
    };
    const reordered = create(ChatRequestSchema, reverse(init) as RequestInit);
    expect(Object.keys(reordered.metadata)).toEqual(['trace', 'team']);
    expect(Object.keys(reordered.providerOptions!)).toEqual(['extra', 'logprobs']);
    expect(Object.keys(reordered.tools[0]!.parameters!)).toEqual(['required', 'properties', 'type']);
    expect(cacheKeyFor(reordered, scope)).toBe(cacheKeyFor(full(), scope));

    const roundTripped = fromBinary(ChatRequestSchema, toBinary(ChatRequestSchema, full()));
    expect(cacheKeyFor(roundTripped, scope)).toBe(cacheKeyFor(full(), scope));
  });

  it('ignores gateway options, metadata and the client model string (the resolved model stands for it)', () => {
    const base = cacheKeyFor(full(), scope);
    const same = [
      full((r) => (r.gateway!.cacheBypass = true)),
      full((r) => (r.gateway!.sessionId = 'another-session')),
      full((r) => (r.gateway = undefined)),
      full((r) => (r.metadata = {})),
      full((r) => (r.metadata = { team: 'b', other: 'y' })),
      full((r) => (r.model = 'openai/gpt-4o')),
    ];
    for (const request of same) expect(cacheKeyFor(request, scope)).toBe(base);
  });

  it('changes with every field that can change the answer', () => {
    const variants: Record<string, ChatRequest> = {
      'message text': full((r) => {
        const kind = part(r, 1, 0);
        if (kind.case === 'text') kind.value.text = 'What is in this picture?';
      }),
      'text signature': full((r) => {
        const kind = part(r, 2, 2);
        if (kind.case === 'text') kind.value.signature = 'sig-t2';
      }),
      'image bytes': full((r) => {
        const kind = part(r, 1, 1);
        if (kind.case === 'image' && kind.value.source.case === 'data') kind.value.source.value = new Uint8Array([1, 2, 3, 5]);
      }),
      'image url': full((r) => {
        const kind = part(r, 1, 2);
        if (kind.case === 'image') kind.value.source = { case: 'url', value: 'https://example.test/b.png' };
      }),
      'image media type': full((r) => {
        const kind = part(r, 1, 1);
        if (kind.case === 'image') kind.value.mediaType = 'image/jpeg';
      }),
      'image detail': full((r) => {
        const kind = part(r, 1, 1);
        if (kind.case === 'image') kind.value.detail = 'high';
      }),
      'reasoning text': full((r) => {
        const kind = part(r, 2, 0);
        if (kind.case === 'reasoning') kind.value.text = 'Look again.';
      }),
      'reasoning signature': full((r) => {
        const kind = part(r, 2, 0);
        if (kind.case === 'reasoning') kind.value.signature = 'sig-r2';
      }),
      'reasoning provider type': full((r) => {
        const kind = part(r, 2, 0);
        if (kind.case === 'reasoning') kind.value.providerType = 'gemini';
      }),
      'redacted reasoning': full((r) => {
        const kind = part(r, 2, 1);
        if (kind.case === 'reasoning') kind.value.redactedData = 'opaque2';
      }),
      'tool call arguments': full((r) => {
        const kind = part(r, 2, 3);
        if (kind.case === 'toolCall') kind.value.argumentsJson = '{"q":"dog"}';
      }),
      'tool call id': full((r) => {
        const kind = part(r, 2, 3);
        if (kind.case === 'toolCall') kind.value.id = 'call-2';
      }),
      'tool call signature': full((r) => {
        const kind = part(r, 2, 3);
        if (kind.case === 'toolCall') kind.value.signature = 'sig-c2';
      }),
      'tool result content': full((r) => {
        const kind = part(r, 3, 0);
        if (kind.case === 'toolResult') kind.value.content = [];
      }),
      'tool result error flag': full((r) => {
        const kind = part(r, 3, 0);
        if (kind.case === 'toolResult') kind.value.isError = true;
      }),
      'message role': full((r) => (message(r, 0).role = Role.DEVELOPER)),
      'message name': full((r) => (message(r, 1).name = 'bob')),
      'message order': full((r) => r.messages.reverse()),
      'one more message': full((r) => r.messages.push(create(ChatRequestSchema, fullInit()).messages[1]!)),
      'part order': full((r) => message(r, 1).content.reverse()),
      'tools removed': full((r) => (r.tools = [])),
      'tool description': full((r) => (r.tools[0]!.description = 'Search')),
      'tool parameters': full((r) => (r.tools[0]!.parameters = { type: 'object', properties: { q: { type: 'number' } } })),
      'tool strict': full((r) => (r.tools[0]!.strict = false)),
      'tool choice mode': full((r) => (r.toolChoice!.mode = ToolChoiceMode.REQUIRED)),
      'tool choice name': full((r) => (r.toolChoice!.toolName = 'other')),
      'parallel tool calls true': full((r) => (r.parallelToolCalls = true)),
      'parallel tool calls unset': full((r) => (r.parallelToolCalls = undefined)),
      'response format type': full((r) => (r.responseFormat!.type = ResponseFormatType.JSON_OBJECT)),
      'response format schema': full((r) => (r.responseFormat!.schema = { type: 'object' })),
      'response format strict': full((r) => (r.responseFormat!.strict = false)),
      temperature: full((r) => (r.temperature = 0.3)),
      'temperature unset': full((r) => (r.temperature = undefined)),
      top_p: full((r) => (r.topP = 0.8)),
      top_k: full((r) => (r.topK = 41)),
      max_output_tokens: full((r) => (r.maxOutputTokens = 257)),
      stop: full((r) => (r.stop = ['END'])),
      'stop order': full((r) => r.stop.reverse()),
      seed: full((r) => (r.seed = 43n)),
      'seed unset': full((r) => (r.seed = undefined)),
      presence_penalty: full((r) => (r.presencePenalty = 0.2)),
      frequency_penalty: full((r) => (r.frequencyPenalty = 0.4)),
      candidate_count: full((r) => (r.candidateCount = 2)),
      'reasoning effort': full((r) => (r.reasoning!.effort = ReasoningEffort.HIGH)),
      'reasoning budget': full((r) => (r.reasoning!.budgetTokens = 2048)),
      'reasoning include': full((r) => (r.reasoning!.includeReasoning = false)),
      user: full((r) => (r.user = 'end-user-8')),
      'provider option value': full((r) => (r.providerOptions = { ...r.providerOptions, logprobs: false })),
      'nested provider option': full((r) => (r.providerOptions = { logprobs: true, extra: { alpha: 1, beta: [1, 2, { z: 1, y: 3 }] } })),
      'provider options removed': full((r) => (r.providerOptions = undefined)),
    };
    const base = cacheKeyFor(full(), scope);
    const keys = new Map<string, string>([[base, 'base']]);
    for (const [name, request] of Object.entries(variants)) {
      const key = cacheKeyFor(request, scope);
      expect(key, name).not.toBe(base);
      expect(keys.get(key), `${name} collides with ${keys.get(key)}`).toBeUndefined();
      keys.set(key, name);
    }
  });

  it('is scoped by key, resolved model and mode', () => {
    const request = full();
    const base = cacheKeyFor(request, scope);
    expect(cacheKeyFor(request, { ...scope, keyId: 'key-2' })).not.toBe(base);
    expect(cacheKeyFor(request, { ...scope, resolvedModel: 'anthropic/claude' })).not.toBe(base);
    expect(cacheKeyFor(request, { ...scope, mode: 'stream' })).not.toBe(base);
    expect(() => cacheKeyFor(request, { ...scope, resolvedModel: '' })).toThrow();
  });

  it('distinguishes a field explicitly set to zero from an unset one', () => {
    const unset = create(ChatRequestSchema, { messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: 'hi' } } }] }] });
    const zero = create(ChatRequestSchema, { ...unset, temperature: 0 });
    const zeroSeed = create(ChatRequestSchema, { ...unset, seed: 0n });
    expect(new Set([cacheKeyFor(unset, scope), cacheKeyFor(zero, scope), cacheKeyFor(zeroSeed, scope)]).size).toBe(3);
  });
});

describe('resolvedModelOf', () => {
  const plan = (routeName: string, keys: string[]) => ({ routeName, targets: keys.map((key) => ({ key })) }) as unknown as RoutePlan;

  it('names the route for a route, the direct target otherwise, never confusing the two', () => {
    expect(resolvedModelOf(plan('smart', ['openai/gpt-4o', 'anthropic/claude']))).toBe('route:smart');
    expect(resolvedModelOf(plan('', ['openai/gpt-4o']))).toBe('model:openai/gpt-4o');
    expect(resolvedModelOf(plan('openai/gpt-4o', ['x/y']))).not.toBe(resolvedModelOf(plan('', ['openai/gpt-4o'])));
    expect(() => resolvedModelOf(plan('', []))).toThrow();
  });
});

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 'x', c: null }, 2] })).toBe('{"a":[{"c":null,"d":"x"},2],"b":1}');
  });
});
