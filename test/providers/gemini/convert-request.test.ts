import { describe, expect, it } from 'vitest';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { CacheTtl, ChatRequestSchema, ReasoningEffort, ResponseFormatType, Role, ToolChoiceMode } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../../src/domain/gateway-error.js';
import { convertRequest } from '../../../src/providers/gemini/convert-request.js';
import { TINY_PNG_BASE64 } from '../../fixtures/scenarios.js';

type Init = Omit<MessageInitShape<typeof ChatRequestSchema>, 'model'>;
const text = (value: string) => ({ kind: { case: 'text' as const, value: { text: value } } });
const user = (value: string) => ({ role: Role.USER, content: [text(value)] });
const convert = (init: Init, model = 'gemini-2.5-flash') =>
  convertRequest(create(ChatRequestSchema, { ...(init as MessageInitShape<typeof ChatRequestSchema>), model: 'client/x' }), model);
const params = (result: ReturnType<typeof convertRequest>) => result.warnings.map((warning) => warning.param);

describe('messages', () => {
  it('sends the resolved upstream model and system/developer text as systemInstruction, in order', () => {
    const { request } = convert({
      messages: [
        { role: Role.SYSTEM, content: [text('A')] },
        user('hi'),
        { role: Role.DEVELOPER, content: [text('B')] },
      ],
    });
    expect(request.model).toBe('gemini-2.5-flash');
    expect(request.config.systemInstruction).toEqual({ parts: [{ text: 'A' }, { text: 'B' }] });
    expect(request.contents).toEqual([{ role: 'user', parts: [{ text: 'hi' }] }]);
  });

  it('merges consecutive tool turns into one user turn and fills names from the calls', () => {
    const { request } = convert({
      messages: [
        user('go'),
        {
          role: Role.ASSISTANT,
          content: [
            { kind: { case: 'toolCall', value: { id: 'c1', name: 'f', argumentsJson: '{"a":1}', signature: 'sig' } } },
            { kind: { case: 'toolCall', value: { id: 'c2', name: 'g', argumentsJson: '' } } },
          ],
        },
        { role: Role.TOOL, content: [{ kind: { case: 'toolResult', value: { toolCallId: 'c1', content: [text('ok')] } } }] },
        { role: Role.TOOL, content: [{ kind: { case: 'toolResult', value: { toolCallId: 'c2', content: [], isError: true } } }] },
        user('and?'),
      ],
    });
    expect(request.contents).toEqual([
      { role: 'user', parts: [{ text: 'go' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { id: 'c1', name: 'f', args: { a: 1 } }, thoughtSignature: 'sig' },
          { functionCall: { id: 'c2', name: 'g', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { id: 'c1', name: 'f', response: { content: 'ok' } } },
          { functionResponse: { id: 'c2', name: 'g', response: { error: '' } } },
          { text: 'and?' },
        ],
      },
    ]);
  });

  it('refuses a tool result whose name cannot be found', () => {
    const call = () => convert({ messages: [{ role: Role.TOOL, content: [{ kind: { case: 'toolResult', value: { toolCallId: 'nope' } } }] }] });
    expect(call).toThrow(GatewayError);
    expect(call).toThrow(/tool's name/);
  });

  it('puts tool-result images in functionResponse.parts', () => {
    const { request } = convert({
      messages: [
        {
          role: Role.TOOL,
          content: [
            {
              kind: {
                case: 'toolResult',
                value: { toolCallId: 'c', name: 'shot', content: [{ kind: { case: 'image', value: { source: { case: 'data', value: Buffer.from(TINY_PNG_BASE64, 'base64') } } } }] },
              },
            },
          ],
        },
      ],
    });
    expect(request.contents[0]?.parts?.[0]?.functionResponse).toEqual({
      id: 'c',
      name: 'shot',
      response: { content: '' },
      parts: [{ inlineData: { mimeType: 'image/png', data: TINY_PNG_BASE64 } }],
    });
  });

  it('round-trips signatures on their parts; drops reasoning of other families with a warning', () => {
    const result = convert({
      messages: [
        user('q'),
        {
          role: Role.ASSISTANT,
          content: [
            { kind: { case: 'reasoning', value: { text: 'mine', signature: 'g-sig', providerType: 'gemini' } } },
            { kind: { case: 'reasoning', value: { text: 'theirs', signature: 'a-sig', providerType: 'anthropic' } } },
            { kind: { case: 'reasoning', value: { text: 'neutral' } } },
            { kind: { case: 'text', value: { text: 'answer', signature: 't-sig' } } },
            { kind: { case: 'text', value: { text: '', signature: 'empty-sig' } } },
            { kind: { case: 'text', value: { text: '' } } },
          ],
        },
        user('again'),
      ],
    });
    expect(result.request.contents[1]?.parts).toEqual([
      { text: 'mine', thought: true, thoughtSignature: 'g-sig' },
      { text: 'neutral', thought: true },
      { text: 'answer', thoughtSignature: 't-sig' },
      { text: '', thoughtSignature: 'empty-sig' },
    ]);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'reasoning_dropped', param: 'messages.content.reasoning' })]);
  });

  it('sends unparsable call arguments as {} with a warning', () => {
    const result = convert({
      messages: [user('q'), { role: Role.ASSISTANT, content: [{ kind: { case: 'toolCall', value: { id: 'c', name: 'f', argumentsJson: '{"cut' } } }] }],
    });
    expect(result.request.contents[1]?.parts?.[0]?.functionCall?.args).toEqual({});
    expect(params(result)).toEqual(['messages[1].content[0].tool_call.arguments_json']);
  });

  it('needs at least one non-system message', () => {
    expect(() => convert({ messages: [{ role: Role.SYSTEM, content: [text('only')] }] })).toThrow(/at least one user or assistant message/);
  });
});

describe('tools, sampling, formats', () => {
  const tool = { name: 'f', description: 'd', parameters: { type: 'object', properties: { a: { $ref: '#/$defs/a' } }, $defs: { a: { type: 'string' } }, additionalProperties: false } };

  it('maps tool choice modes and warns about parallel_tool_calls=false and strict', () => {
    const modes = [
      [ToolChoiceMode.AUTO, { mode: 'AUTO' }],
      [ToolChoiceMode.NONE, { mode: 'NONE' }],
      [ToolChoiceMode.REQUIRED, { mode: 'ANY' }],
    ] as const;
    for (const [mode, expected] of modes) {
      expect(convert({ messages: [user('x')], tools: [tool], toolChoice: { mode } }).request.config.toolConfig).toEqual({ functionCallingConfig: expected });
    }
    const named = convert({ messages: [user('x')], tools: [{ ...tool, strict: true }], toolChoice: { mode: ToolChoiceMode.TOOL, toolName: 'f' }, parallelToolCalls: false });
    expect(named.request.config.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] } });
    expect(named.request.config.tools).toEqual([{ functionDeclarations: [{ name: 'f', description: 'd', parametersJsonSchema: tool.parameters }] }]);
    expect(params(named)).toEqual(['tools.strict', 'parallel_tool_calls']);
  });

  it('maps sampling to generation config', () => {
    const { request, warnings } = convert({
      messages: [user('x')],
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 100,
      stop: ['END'],
      seed: 42n,
      candidateCount: 2,
      presencePenalty: 0.1,
      frequencyPenalty: 0.3,
    });
    expect(request.config).toEqual({
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 100,
      stopSequences: ['END'],
      seed: 42,
      candidateCount: 2,
      presencePenalty: 0.1,
      frequencyPenalty: 0.3,
    });
    expect(warnings).toEqual([]);
  });

  it('maps response formats; the schema goes unchanged to responseJsonSchema', () => {
    const schema = tool.parameters;
    expect(convert({ messages: [user('x')], responseFormat: { type: ResponseFormatType.JSON_OBJECT } }).request.config).toEqual({ responseMimeType: 'application/json' });
    expect(convert({ messages: [user('x')], responseFormat: { type: ResponseFormatType.TEXT } }).request.config).toEqual({ responseMimeType: 'text/plain' });
    const result = convert({ messages: [user('x')], responseFormat: { type: ResponseFormatType.JSON_SCHEMA, schemaName: 's', schema, description: 'why' } });
    expect(result.request.config).toEqual({ responseMimeType: 'application/json', responseJsonSchema: schema });
    expect(params(result)).toEqual(['response_format.description']);
  });

  it('leaves prompt-cache breakpoints out with one warning, a tool result’s own included', () => {
    const result = convert({
      tools: [{ name: 'f', cacheBreakpoint: { ttl: CacheTtl.ONE_HOUR } }],
      messages: [
        user('go'),
        { role: Role.ASSISTANT, content: [{ kind: { case: 'toolCall', value: { id: 'c1', name: 'f', argumentsJson: '{}' } } }] },
        { role: Role.TOOL, content: [{ kind: { case: 'toolResult', value: { toolCallId: 'c1', content: [{ ...text('ok'), cacheBreakpoint: {} }] } } }] },
      ],
    });
    expect(JSON.stringify(result.request)).not.toContain('cache');
    expect(params(result)).toEqual(['cache_breakpoint']);
    expect(params(convert({ messages: [user('x')] }))).toEqual([]);
  });

  it('warns about user and metadata; passes provider_options through as extra body', () => {
    const result = convert({ messages: [user('x')], user: 'u1', metadata: { a: 'b' }, providerOptions: { safetySettings: [], model: 'other' } });
    expect(result.request.extraBody).toEqual({ safetySettings: [] });
    expect(params(result)).toEqual(['user', 'metadata', 'provider_options.model']);
  });
});

describe('thinking', () => {
  const thinking = (reasoning: Init['reasoning'], model = 'gemini-2.5-flash') => convert({ messages: [user('x')], reasoning }, model);

  it('maps effort to thinkingBudget (the shared effort table), none → 0, include_reasoning → includeThoughts', () => {
    const budgets = [
      [ReasoningEffort.NONE, 0],
      [ReasoningEffort.MINIMAL, 128],
      [ReasoningEffort.LOW, 1024],
      [ReasoningEffort.MEDIUM, 2048],
      [ReasoningEffort.HIGH, 4096],
      [ReasoningEffort.XHIGH, 8192],
      [ReasoningEffort.MAX, 16384],
    ] as const;
    for (const [effort, budget] of budgets) expect(thinking({ effort }).request.config.thinkingConfig).toEqual({ thinkingBudget: budget });
    expect(thinking({ effort: ReasoningEffort.LOW, includeReasoning: true }).request.config.thinkingConfig).toEqual({ thinkingBudget: 1024, includeThoughts: true });
    expect(thinking({ includeReasoning: true }).request.config.thinkingConfig).toEqual({ includeThoughts: true });
  });

  it('an explicit budget wins, also on Gemini 3 (never both budget and level)', () => {
    expect(thinking({ effort: ReasoningEffort.HIGH, budgetTokens: 777 }, 'gemini-3-pro-preview').request.config.thinkingConfig).toEqual({ thinkingBudget: 777 });
  });

  it('uses thinkingLevel on Gemini 3 and reports adjusted levels', () => {
    const level = (effort: ReasoningEffort, model: string) => thinking({ effort }, model);
    expect(level(ReasoningEffort.MINIMAL, 'gemini-3-flash-preview').request.config.thinkingConfig).toEqual({ thinkingLevel: 'MINIMAL' });
    expect(level(ReasoningEffort.MEDIUM, 'models/gemini-3.1-pro-preview').request.config.thinkingConfig).toEqual({ thinkingLevel: 'MEDIUM' });
    const medium = level(ReasoningEffort.MEDIUM, 'gemini-3-pro-preview');
    expect(medium.request.config.thinkingConfig).toEqual({ thinkingLevel: 'HIGH' });
    expect(medium.warnings[0]).toMatchObject({ code: 'parameter_adjusted', param: 'reasoning.effort' });
    expect(level(ReasoningEffort.NONE, 'gemini-3-pro-preview').request.config.thinkingConfig).toEqual({ thinkingLevel: 'LOW' });
    expect(level(ReasoningEffort.MAX, 'gemini-3-flash-preview').request.config.thinkingConfig).toEqual({ thinkingLevel: 'HIGH' });
  });

  it('Gemini 2.5 Pro cannot turn thinking off: none → 128 with a warning', () => {
    const result = thinking({ effort: ReasoningEffort.NONE }, 'gemini-2.5-pro');
    expect(result.request.config.thinkingConfig).toEqual({ thinkingBudget: 128 });
    expect(params(result)).toEqual(['reasoning.effort']);
  });
});

describe('Gemini 3 placeholder signatures', () => {
  const history = (signature: string): Init => ({
    messages: [
      user('q'),
      {
        role: Role.ASSISTANT,
        content: [
          { kind: { case: 'toolCall', value: { id: 'a', name: 'f', argumentsJson: '{}', signature } } },
          { kind: { case: 'toolCall', value: { id: 'b', name: 'f', argumentsJson: '{}' } } },
        ],
      },
      { role: Role.TOOL, content: [{ kind: { case: 'toolResult', value: { toolCallId: 'a', content: [text('1')] } } }, { kind: { case: 'toolResult', value: { toolCallId: 'b', content: [text('2')] } } }] },
    ],
  });
  const signatures = (result: ReturnType<typeof convertRequest>) => result.request.contents[1]?.parts?.map((part) => part.thoughtSignature);

  it('fills a missing signature on the first call of a step for Gemini 3 only, with a notice', () => {
    const gemini3 = convert(history(''), 'gemini-3-pro-preview');
    expect(signatures(gemini3)).toEqual(['skip_thought_signature_validator', undefined]);
    expect(gemini3.warnings).toEqual([expect.objectContaining({ code: 'default_applied', param: 'messages.content.tool_call.signature' })]);
    expect(signatures(convert(history(''), 'gemini-2.5-flash'))).toEqual([undefined, undefined]);
  });

  it('never replaces a real signature', () => {
    const result = convert(history('real-sig'), 'gemini-3-flash-preview');
    expect(signatures(result)).toEqual(['real-sig', undefined]);
    expect(result.warnings).toEqual([]);
  });
});
