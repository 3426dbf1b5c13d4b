import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { CacheTtl, ChatRequestSchema, ResponseFormatType, Role, ToolChoiceMode } from '../../../gen/llmgateway/v1/chat_pb.js';
import { convertRequest } from '../../../src/providers/openai/convert-request.js';
import { familyTraits } from '../../../src/providers/openai/family.js';
import type { OpenAIFamily } from '../../../src/providers/openai/wire-types.js';

type Init = MessageInitShape<typeof ChatRequestSchema>;
const hi = [{ role: Role.USER, content: [{ kind: { case: 'text' as const, value: { text: 'Hi' } } }] }];
const convert = (init: Init, family: OpenAIFamily = 'openai', stream = false) =>
  convertRequest(create(ChatRequestSchema, { messages: hi, ...init }), familyTraits(family), { model: 'm', stream });
const params = (result: ReturnType<typeof convert>) => result.warnings.map((warning) => warning.param);

describe('convertRequest', () => {
  it('uses max_completion_tokens for OpenAI and Azure, max_tokens for compatible hosts, never both', () => {
    for (const family of ['openai', 'azure-openai'] as const) {
      const body = convert({ maxOutputTokens: 64 }, family).params;
      expect(body.max_completion_tokens).toBe(64);
      expect(body).not.toHaveProperty('max_tokens');
    }
    const compatible = convert({ maxOutputTokens: 64 }, 'openai-compatible').params;
    expect(compatible.max_tokens).toBe(64);
    expect(compatible).not.toHaveProperty('max_completion_tokens');
  });

  it('asks streams for usage', () => {
    expect(convert({}, 'openai', true).params).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(convert({}).params).not.toHaveProperty('stream_options');
  });

  it('passes sampling, stop, seed, user and candidates through', () => {
    const body = convert({ temperature: 0.2, topP: 0.9, stop: ['x'], seed: 42n, presencePenalty: 0.1, frequencyPenalty: 0.3, user: 'u', candidateCount: 3 }).params;
    expect(body).toMatchObject({ temperature: 0.2, top_p: 0.9, stop: ['x'], seed: 42, presence_penalty: 0.1, frequency_penalty: 0.3, user: 'u', n: 3 });
  });

  it('warns for top_k', () => {
    const result = convert({ topK: 40 });
    expect(result.params).not.toHaveProperty('top_k');
    expect(result.warnings[0]).toMatchObject({ code: 'unsupported_parameter', param: 'top_k' });
  });

  it('converts tools, a named tool choice and parallel_tool_calls', () => {
    const body = convert({
      tools: [{ name: 'f', description: 'does f', parameters: { type: 'object' }, strict: true }, { name: 'g' }],
      toolChoice: { mode: ToolChoiceMode.TOOL, toolName: 'f' },
      parallelToolCalls: false,
    }).params;
    expect(body.tools).toEqual([
      { type: 'function', function: { name: 'f', description: 'does f', parameters: { type: 'object' }, strict: true } },
      { type: 'function', function: { name: 'g' } },
    ]);
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'f' } });
    expect(body.parallel_tool_calls).toBe(false);
  });

  it('does not send parallel_tool_calls without tools (OpenAI 400s) and says so', () => {
    const result = convert({ parallelToolCalls: true });
    expect(result.params).not.toHaveProperty('parallel_tool_calls');
    expect(params(result)).toContain('parallel_tool_calls');
  });

  it('converts response formats, the schema unchanged', () => {
    const schema = { type: 'object', $defs: { a: { type: 'string' } }, properties: { a: { $ref: '#/$defs/a' } } };
    expect(convert({ responseFormat: { type: ResponseFormatType.JSON_SCHEMA, schemaName: 's', strict: true, schema } }).params.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 's', schema, strict: true },
    });
    expect(convert({ responseFormat: { type: ResponseFormatType.JSON_OBJECT } }).params.response_format).toEqual({ type: 'json_object' });
    const unnamed = convert({ responseFormat: { type: ResponseFormatType.JSON_SCHEMA, schema } });
    expect(unnamed.params.response_format).toMatchObject({ json_schema: { name: 'response' } });
    expect(unnamed.warnings[0]).toMatchObject({ code: 'default_applied' });
  });

  it('sends DeepSeek a JSON schema as json_object, the schema in the system prompt, with a warning', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    const request = create(ChatRequestSchema, { messages: hi, responseFormat: { type: ResponseFormatType.JSON_SCHEMA, schemaName: 's', strict: true, schema } });
    const result = convertRequest(request, familyTraits('openai-compatible', 'deepseek'), { model: 'deepseek-flash', stream: false });
    expect(result.params.response_format).toEqual({ type: 'json_object' });
    expect(result.params.messages[0]).toEqual({ role: 'system', content: `Respond only with a JSON object. It must conform to this JSON schema "s": ${JSON.stringify(schema)}` });
    expect(result.params.messages[1]).toMatchObject({ role: 'user' });
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'parameter_adjusted', param: 'response_format', message: expect.stringContaining('strict could not be honoured') })]);
    // Another compatible host takes json_schema.
    expect(convert({ responseFormat: { type: ResponseFormatType.JSON_SCHEMA, schemaName: 's', schema } }, 'openai-compatible').params.response_format).toMatchObject({ type: 'json_schema' });
  });

  it('leaves prompt-cache breakpoints out (the family caches on its own) with one warning', () => {
    for (const family of ['openai', 'azure-openai', 'openai-compatible'] as const) {
      const result = convert(
        {
          tools: [{ name: 'f', cacheBreakpoint: { ttl: CacheTtl.ONE_HOUR } }],
          messages: [
            { role: Role.SYSTEM, content: [{ kind: { case: 'text', value: { text: 'S' } }, cacheBreakpoint: {} }] },
            { role: Role.USER, content: [{ kind: { case: 'text', value: { text: 'Hi' } }, cacheBreakpoint: {} }] },
          ],
        },
        family,
      );
      expect(JSON.stringify(result.params)).not.toContain('cache');
      expect(result.warnings).toEqual([expect.objectContaining({ code: 'unsupported_parameter', param: 'cache_breakpoint' })]);
    }
    expect(convert({}).warnings).toEqual([]);
  });

  it('sends metadata only with store, as OpenAI requires', () => {
    expect(convert({ metadata: { a: 'b' }, providerOptions: { store: true } }).params).toMatchObject({ metadata: { a: 'b' }, store: true });
    const unsent = convert({ metadata: { a: 'b' } });
    expect(unsent.params).not.toHaveProperty('metadata');
    expect(params(unsent)).toContain('metadata');
  });

  it('spreads provider_options into the body, except gateway-controlled fields and the canonical log probabilities', () => {
    const result = convert({ providerOptions: { logprobs: true, top_logprobs: 2, service_tier: 'flex', model: 'other', stream: true } });
    expect(result.params).toMatchObject({ service_tier: 'flex', model: 'm' });
    expect(result.params).not.toHaveProperty('stream');
    // Asked in provider_options they would come back unmapped: the request's own fields ask for them.
    expect(result.params).not.toHaveProperty('logprobs');
    expect(result.params).not.toHaveProperty('top_logprobs');
    expect(params(result)).toEqual(['provider_options.logprobs', 'provider_options.top_logprobs', 'provider_options.model', 'provider_options.stream']);
  });

  it('asks for log probabilities from the request’s own fields, top_logprobs only when alternatives are asked for', () => {
    expect(convert({ logprobs: true, topLogprobs: 3 }).params).toMatchObject({ logprobs: true, top_logprobs: 3 });
    const chosenOnly = convert({ logprobs: true }).params;
    expect(chosenOnly.logprobs).toBe(true);
    expect(chosenOnly).not.toHaveProperty('top_logprobs');
    expect(convert({}).params).not.toHaveProperty('logprobs');
  });

  it('lets a token limit in provider_options replace max_output_tokens, never sending both', () => {
    const result = convert({ maxOutputTokens: 10, providerOptions: { max_tokens: 20 } });
    expect(result.params.max_tokens).toBe(20);
    expect(result.params).not.toHaveProperty('max_completion_tokens');
    expect(result.warnings.at(-1)).toMatchObject({ code: 'parameter_adjusted', param: 'max_output_tokens' });
  });
});
