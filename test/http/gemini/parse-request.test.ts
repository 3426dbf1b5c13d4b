// Gemini request bodies → the canonical ChatRequest, field by field.
import { describe, expect, it } from 'vitest';
import { ReasoningEffort, ResponseFormatType, Role, ToolChoiceMode } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GeminiFieldNames } from '../../../src/http/gemini/field-names.js';
import { parseGenerateRequest } from '../../../src/http/gemini/parse-request.js';
import { decodeThoughtSignature, encodeThoughtSignature } from '../../../src/http/gemini/thought-signature.js';
import { GatewayError } from '../../../src/domain/gateway-error.js';

const user = { role: 'user', parts: [{ text: 'hi' }] };

describe('parseGenerateRequest', () => {
  it('maps generationConfig onto the canonical sampling, format and reasoning fields', () => {
    const { chat, warnings } = parseGenerateRequest(
      {
        contents: [user],
        generationConfig: {
          temperature: 0.3, topP: 0.9, topK: 40, maxOutputTokens: 100, stopSequences: ['END'], candidateCount: 2, seed: 7,
          responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', properties: { a: { type: 'STRING' } } },
          thinkingConfig: { thinkingBudget: 0, includeThoughts: true }, speechConfig: {},
        },
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      },
      'gemini/flash',
    );
    expect(chat).toMatchObject({ model: 'gemini/flash', temperature: 0.3, topP: 0.9, topK: 40, maxOutputTokens: 100, stop: ['END'], candidateCount: 2, seed: 7n });
    expect(chat.responseFormat).toMatchObject({ type: ResponseFormatType.JSON_SCHEMA, schema: { type: 'object', properties: { a: { type: 'string' } } } });
    expect(chat.reasoning).toMatchObject({ effort: ReasoningEffort.NONE, includeReasoning: true });
    expect(chat.providerOptions).toEqual({ safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }] });
    expect(warnings.map((warning) => warning.param)).toEqual(['generationConfig.speechConfig']);
  });

  it('responseLogprobs and logprobs are the canonical log probabilities; logprobs alone is not read, as by Gemini', () => {
    const asked = parseGenerateRequest({ contents: [user], generationConfig: { responseLogprobs: true, logprobs: 4 } }, 'gemini/flash');
    expect(asked.chat).toMatchObject({ logprobs: true, topLogprobs: 4 });
    expect(asked.warnings).toEqual([]);
    const alone = parseGenerateRequest({ contents: [user], generationConfig: { logprobs: 4 } }, 'gemini/flash');
    expect(alone.chat).toMatchObject({ logprobs: false, topLogprobs: 0 });
    expect(alone.warnings.map((warning) => warning.param)).toEqual(['generationConfig.logprobs']);
    expect(() => parseGenerateRequest({ contents: [user], generationConfig: { responseLogprobs: true, logprobs: 21 } }, 'gemini/flash')).toThrow(GatewayError);
  });

  it('turns OpenAPI nullable into a JSON Schema null type, in response schemas and tool parameters alike', () => {
    const schema = {
      type: 'OBJECT',
      properties: {
        middle_name: { type: 'STRING', nullable: true },
        size: { type: 'STRING', enum: ['S', 'M'], nullable: true },
        either: { anyOf: [{ type: 'INTEGER' }, { type: 'STRING' }], nullable: true },
        plain: { type: 'STRING', nullable: false },
        nullable: { type: 'BOOLEAN' }, // a property named "nullable" is just a property
      },
      required: ['middle_name'],
    };
    const expected = {
      type: 'object',
      properties: {
        middle_name: { type: ['string', 'null'] },
        size: { type: ['string', 'null'], enum: ['S', 'M', null] },
        either: { anyOf: [{ type: 'integer' }, { type: 'string' }, { type: 'null' }] },
        plain: { type: 'string' },
        nullable: { type: 'boolean' },
      },
      required: ['middle_name'],
    };
    const { chat } = parseGenerateRequest(
      {
        contents: [user],
        generationConfig: { responseMimeType: 'application/json', responseSchema: schema },
        tools: [{ functionDeclarations: [{ name: 'save', parameters: schema }] }],
      },
      'm',
    );
    expect(chat.responseFormat?.schema).toEqual(expected);
    expect(chat.tools[0]?.parameters).toEqual(expected);
  });

  it('maps toolConfig modes: ANY with one allowed name forces that tool', () => {
    const choice = (functionCallingConfig: object) => parseGenerateRequest({ contents: [user], toolConfig: { functionCallingConfig } }, 'm').chat.toolChoice;
    expect(choice({ mode: 'ANY', allowedFunctionNames: ['get_weather'] })).toMatchObject({ mode: ToolChoiceMode.TOOL, toolName: 'get_weather' });
    expect(choice({ mode: 'ANY' })).toMatchObject({ mode: ToolChoiceMode.REQUIRED });
    expect(choice({ mode: 'NONE' })).toMatchObject({ mode: ToolChoiceMode.NONE });
    expect(() => choice({ mode: 'SOMETIMES' })).toThrow(GatewayError);
  });

  it('thinkingLevel becomes an effort, and cannot be combined with a budget', () => {
    const reasoning = (thinkingConfig: object) => parseGenerateRequest({ contents: [user], generationConfig: { thinkingConfig } }, 'm').chat.reasoning;
    expect(reasoning({ thinkingLevel: 'low' })).toMatchObject({ effort: ReasoningEffort.LOW });
    expect(reasoning({ thinkingBudget: 2048 })).toMatchObject({ budgetTokens: 2048 });
    expect(() => reasoning({ thinkingBudget: 10, thinkingLevel: 'HIGH' })).toThrow(/thinkingLevel/);
  });

  it('turns contents into canonical messages: system first, roles, tool calls paired with their responses', () => {
    const { chat } = parseGenerateRequest(
      {
        systemInstruction: { parts: [{ text: 'Be brief.' }] },
        contents: [
          user,
          { role: 'model', parts: [{ functionCall: { name: 'f', args: { x: 1 } }, thoughtSignature: 'sig' }, { functionCall: { name: 'g', args: {} } }] },
          { role: 'user', parts: [{ functionResponse: { name: 'g', response: { error: 'boom' } } }, { functionResponse: { name: 'f', response: { temperature: 18 } } }] },
        ],
      },
      'm',
    );
    expect(chat.messages.map((message) => message.role)).toEqual([Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.USER]);
    const calls = chat.messages[2]!.content.map((part) => (part.kind.case === 'toolCall' ? part.kind.value : undefined));
    expect(calls.map((call) => [call?.name, call?.argumentsJson, call?.signature])).toEqual([['f', '{"x":1}', 'sig'], ['g', '{}', '']]);
    const results = chat.messages[3]!.content.map((part) => (part.kind.case === 'toolResult' ? part.kind.value : undefined));
    expect(results.map((result) => result?.toolCallId)).toEqual([calls[1]?.id, calls[0]?.id]);
    expect(results[0]).toMatchObject({ isError: true, content: [{ kind: { case: 'text', value: { text: 'boom' } } }] });
    expect(results[1]?.content[0]).toMatchObject({ kind: { case: 'text', value: { text: '{"temperature":18}' } } });
  });

  it('refuses misplaced parts and unknown roles', () => {
    expect(() => parseGenerateRequest({ contents: [{ role: 'user', parts: [{ functionCall: { name: 'f' } }] }] }, 'm')).toThrow(/model/);
    expect(() => parseGenerateRequest({ contents: [{ role: 'system', parts: [{ text: 'x' }] }] }, 'm')).toThrow(/contents\[0\]\.role/);
    expect(() => parseGenerateRequest({ contents: [{ parts: [{ executableCode: { code: '1' } }] }] }, 'm')).toThrow(/executableCode/);
  });
});

describe('thought signatures', () => {
  it('pass Gemini’s unchanged and mark every other family’s, redacted thinking included', () => {
    expect(encodeThoughtSignature({ providerType: 'gemini', signature: 'abc', redactedData: '' })).toBe('abc');
    expect(decodeThoughtSignature('abc')).toEqual({ providerType: 'gemini', signature: 'abc', redactedData: '' });
    const redacted = { providerType: 'anthropic', signature: '', redactedData: 'opaque' };
    const marked = encodeThoughtSignature(redacted);
    expect(marked).toMatch(/^gw1\.[A-Za-z0-9_-]+$/);
    expect(decodeThoughtSignature(marked)).toEqual(redacted);
    expect(decodeThoughtSignature('')).toEqual({ providerType: '', signature: '', redactedData: '' });
    expect(encodeThoughtSignature({ providerType: 'openai-compatible', signature: '', redactedData: '' })).toBe('');
  });
});

describe('streamed thought parts', () => {
  const anthropic = encodeThoughtSignature({ providerType: 'anthropic', signature: 'sig-claude', redactedData: '' });
  const call = { functionCall: { name: 'get_weather', args: { city: 'Paris' } } };
  const reasoningOf = (contents: object[]) =>
    parseGenerateRequest({ contents: [user, ...contents] }, 'm').chat.messages.slice(1).map((message) =>
      message.content.map((part) => (part.kind.case === 'reasoning' ? { text: part.kind.value.text, providerType: part.kind.value.providerType, signature: part.kind.value.signature } : part.kind.case)),
    );

  it('another family’s block, sent back as the parts it was streamed in (one content per chunk), is one part where its signature stood', () => {
    const contents: Array<{ role: string; parts: object[] }> = [
      { role: 'model', parts: [{ text: 'I should ', thought: true }] },
      { role: 'model', parts: [{ text: 'call the tool.', thought: true }] },
      { role: 'model', parts: [{ text: '', thought: true, thoughtSignature: anthropic }] },
      { role: 'model', parts: [call] },
    ];
    // The run of model contents is one assistant turn (parse-contents.ts), as the one content it was streamed as.
    expect(reasoningOf(contents)).toEqual([[{ text: 'I should call the tool.', providerType: 'anthropic', signature: 'sig-claude' }, 'toolCall']]);
    const oneContent = [{ role: 'model', parts: contents.flatMap((content) => content.parts) }];
    expect(reasoningOf(oneContent)).toEqual(reasoningOf(contents));
  });

  it('consecutive contents of one role are one turn: parts in order, streamed text pieces whole again, signatures on their parts', () => {
    const { chat } = parseGenerateRequest(
      {
        contents: [
          { role: 'user', parts: [{ text: 'Weather' }] },
          { role: 'user', parts: [{ text: 'in Paris?' }] },
          { role: 'model', parts: [{ text: 'Let me ' }] },
          { role: 'model', parts: [{ text: 'check.' }] },
          { role: 'model', parts: [{ text: '', thoughtSignature: 'sig-text' }] },
          { role: 'model', parts: [{ ...call, thoughtSignature: 'sig-call' }] },
          { role: 'model', parts: [{ text: 'One ' }, { text: 'sec.' }] },
          { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { content: 'sunny' } } }] },
        ],
      },
      'm',
    );
    const view = chat.messages.map((message) => ({
      role: message.role,
      parts: message.content.map((part) =>
        part.kind.case === 'text' ? [part.kind.value.text, part.kind.value.signature] : part.kind.case === 'toolCall' ? ['call', part.kind.value.signature] : [part.kind.case],
      ),
    }));
    expect(view).toEqual([
      { role: Role.USER, parts: [['Weather', ''], ['in Paris?', '']] },
      { role: Role.ASSISTANT, parts: [['Let me check.', ''], ['', 'sig-text'], ['call', 'sig-call'], ['One ', ''], ['sec.', '']] },
      { role: Role.USER, parts: [['toolResult']] },
    ]);
  });

  it('each block ends at its signature; Gemini’s own thoughts, redacted thinking and unsigned runs stay as they came', () => {
    const redacted = encodeThoughtSignature({ providerType: 'anthropic', signature: '', redactedData: 'opaque' });
    const contents = [
      {
        role: 'model',
        parts: [
          { text: 'one', thought: true }, { text: '', thought: true, thoughtSignature: anthropic },
          { text: 'two', thought: true }, { text: '!', thought: true, thoughtSignature: anthropic },
          { text: 'before redacted', thought: true }, { thought: true, thoughtSignature: redacted }, call,
        ],
      },
      { role: 'user', parts: [{ text: 'again' }] },
      { role: 'model', parts: [{ text: 'gemini ', thought: true }, { text: 'thinks', thought: true, thoughtSignature: 'sig-gemini' }, { text: 'unsigned', thought: true }, { text: 'answer' }] },
    ];
    const [claude, , gemini] = reasoningOf(contents);
    expect(claude).toEqual([
      { text: 'one', providerType: 'anthropic', signature: 'sig-claude' },
      { text: 'two!', providerType: 'anthropic', signature: 'sig-claude' },
      { text: 'before redacted', providerType: '', signature: '' },
      { text: '', providerType: 'anthropic', signature: '' },
      'toolCall',
    ]);
    expect(gemini).toEqual([
      { text: 'gemini ', providerType: '', signature: '' },
      { text: 'thinks', providerType: 'gemini', signature: 'sig-gemini' },
      { text: 'unsigned', providerType: '', signature: '' },
      'text',
    ]);
  });

  it('a canonical part after a joined run is named by the client’s index of it', () => {
    const request = {
      contents: [user, { role: 'model', parts: [{ text: 'a', thought: true }, {}, { text: 'b', thought: true }, { text: '', thought: true, thoughtSignature: anthropic }, call] }],
    };
    const { chat } = parseGenerateRequest(request, 'm');
    expect(chat.messages[1]!.content.map((part) => part.kind.case)).toEqual(['reasoning', 'toolCall']);
    const names = new GeminiFieldNames(0, request);
    expect(names.field('chat.messages[1].content[0]')).toBe('contents[1].parts[3]');
    expect(names.field('chat.messages[1].content[1].tool_call.arguments_json')).toBe('contents[1].parts[4].functionCall.args');
  });
});
