// Canonical responses → OpenAI JSON (chat.completion, embeddings, models),
// the error table, the gateway headers and the tool-call id codec.
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { ChatResponseSchema, FinishReason, Role, RouteInfoSchema, WarningSchema } from '../../gen/llmgateway/v1/chat_pb.js';
import { EmbedResponseSchema, ModelInfoSchema } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { GatewayError, invalidArgument } from '../../src/domain/gateway-error.js';
import { KeyRefusedError } from '../../src/core/auth/key-refusal.js';
import { AmbiguousModelError } from '../../src/core/completion/ambiguous-model.js';
import { parseEmbeddingsRequest, renderEmbeddings } from '../../src/http/openai/embeddings.js';
import { routeHeaders, warningsHeader } from '../../src/http/openai/gateway-headers.js';
import { mapError } from '../../src/http/openai/map-error.js';
import { renderModelList } from '../../src/http/openai/models.js';
import { renderCompletion } from '../../src/http/openai/render-response.js';
import { InvalidRequestError } from '../../src/http/openai/request-error.js';
import { decodeToolCallId, encodeToolCallId } from '../../src/http/tool-call-id.js';

describe('renderCompletion', () => {
  it('renders text, reasoning_content, tool calls, finish_reason and detailed usage', () => {
    const response = create(ChatResponseSchema, {
      id: 'gen-1',
      created: timestampFromMs(1_700_000_000_000),
      model: 'anthropic/claude',
      choices: [
        {
          index: 0,
          finishReason: FinishReason.TOOL_CALLS,
          message: {
            role: Role.ASSISTANT,
            content: [
              { kind: { case: 'reasoning', value: { text: 'Let me look.', signature: 's' } } },
              { kind: { case: 'text', value: { text: 'Checking.' } } },
              { kind: { case: 'toolCall', value: { id: 'toolu_1', name: 'get_weather', argumentsJson: '{"city":"Paris"}' } } },
              { kind: { case: 'toolCall', value: { id: 'fc_2', name: 'now', argumentsJson: '', signature: 'gsig' } } },
            ],
          },
        },
      ],
      usage: { inputTokens: 2000, outputTokens: 300, cachedInputTokens: 1500, reasoningTokens: 250, totalTokens: 2300 },
    });
    const rendered = renderCompletion(response);
    expect(rendered).toEqual({
      id: 'gen-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'anthropic/claude',
      choices: [
        {
          index: 0,
          logprobs: null,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: 'Checking.',
            refusal: null,
            reasoning_content: 'Let me look.',
            tool_calls: [
              // The signed reasoning before the first call rides in its id.
              {
                id: encodeToolCallId('toolu_1', '', [{ text: 'Let me look.', signature: 's', redactedData: '', providerType: '' }]),
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              },
              { id: encodeToolCallId('fc_2', 'gsig'), type: 'function', function: { name: 'now', arguments: '{}' } },
            ],
          },
        },
      ],
      usage: { prompt_tokens: 2000, completion_tokens: 300, total_tokens: 2300, prompt_tokens_details: { cached_tokens: 1500 }, completion_tokens_details: { reasoning_tokens: 250 } },
    });
  });

  it('content is null with only tool calls; unknown finish reasons become stop', () => {
    const response = create(ChatResponseSchema, {
      choices: [
        { index: 0, finishReason: FinishReason.OTHER, message: { role: Role.ASSISTANT, content: [{ kind: { case: 'toolCall', value: { id: 'c', name: 'f', argumentsJson: '{}' } } }] } },
        { index: 1, finishReason: FinishReason.ERROR, message: { role: Role.ASSISTANT, content: [] } },
      ],
    });
    const rendered = renderCompletion(response);
    expect(rendered.choices[0]?.message.content).toBeNull();
    expect(rendered.choices.map((choice) => choice.finish_reason)).toEqual(['stop', 'stop']);
    expect(rendered.choices[1]?.message.content).toBe('');
    expect(rendered.usage).toBeUndefined();
  });
});

describe('embeddings', () => {
  it('parses string or array input; unknown parameters pass through', () => {
    expect(parseEmbeddingsRequest({ model: 'e', input: 'hi' }).embed.inputs).toEqual(['hi']);
    const parsed = parseEmbeddingsRequest({ model: 'e', input: ['a', 'b'], dimensions: 8, encoding_format: 'base64', truncate: 'END' });
    expect(parsed.embed).toMatchObject({ inputs: ['a', 'b'], dimensions: 8, providerOptions: { truncate: 'END' } });
    expect(parsed.encodingFormat).toBe('base64');
    expect(() => parseEmbeddingsRequest({ model: 'e', input: [[1, 2]] })).toThrow(/token arrays/);
    expect(() => parseEmbeddingsRequest({ model: 'e' })).toThrow(/'input'/);
  });

  it('renders floats or little-endian float32 base64', () => {
    const response = create(EmbedResponseSchema, { model: 'e', embeddings: [{ index: 0, values: [0.5, -1, 0.25] }], usage: { inputTokens: 3, totalTokens: 3 } });
    expect(renderEmbeddings(response, 'float')).toEqual({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [0.5, -1, 0.25] }],
      model: 'e',
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
    const encoded = renderEmbeddings(response, 'base64').data[0]?.embedding as string;
    const bytes = Buffer.from(encoded, 'base64');
    expect([0, 1, 2].map((index) => bytes.readFloatLE(index * 4))).toEqual([0.5, -1, 0.25]);
  });
});

describe('models', () => {
  it('renders the OpenAI list shape', () => {
    const list = renderModelList([create(ModelInfoSchema, { id: 'openai/gpt', providerId: 'openai', upstreamModel: 'gpt', kind: 'model' })]);
    expect(list).toEqual({ object: 'list', data: [{ id: 'openai/gpt', object: 'model', created: 0, owned_by: 'openai' }] });
  });
});

describe('mapError: the status table', () => {
  const upstream = { provider: 'openai', upstreamStatus: 500 };
  const rows: Array<[string, unknown, number, string, string | null]> = [
    ['shim validation', new InvalidRequestError('messages', "Missing required parameter: 'messages'.", 'missing_required_parameter'), 400, 'invalid_request_error', 'missing_required_parameter'],
    ['core invalid_argument', invalidArgument('chat.max_output_tokens', 'must be ≥ 1'), 400, 'invalid_request_error', 'invalid_value'],
    ['unauthenticated', new GatewayError('unauthenticated', 'invalid virtual key'), 401, 'invalid_request_error', 'invalid_api_key'],
    ['permission_denied', new GatewayError('permission_denied', 'key revoked'), 403, 'permission_error', 'permission_denied'],
    ['unknown model', new GatewayError('not_found', 'model "x" is not served'), 404, 'invalid_request_error', 'model_not_found'],
    ['payload_too_large', new GatewayError('payload_too_large', 'too big', { provider: 'openai', upstreamStatus: 413 }), 413, 'invalid_request_error', 'request_too_large'],
    ['rate limited', new GatewayError('resource_exhausted', 'slow down', { provider: 'openai', upstreamStatus: 429, retryable: true, retryAfterSeconds: 7 }), 429, 'rate_limit_error', 'rate_limit_exceeded'],
    ['quota', new GatewayError('resource_exhausted', 'quota', { provider: 'openai', upstreamStatus: 429, retryable: false }), 429, 'insufficient_quota', 'insufficient_quota'],
    ['internal', new GatewayError('internal', 'bug'), 500, 'server_error', 'internal_error'],
    ['unexpected exception', new Error('secret detail'), 500, 'server_error', 'internal_error'],
    ['upstream rejected our credentials', new GatewayError('failed_precondition', 'provider rejected', { provider: 'openai', upstreamStatus: 401 }), 502, 'server_error', 'upstream_credentials_rejected'],
    // Every transient failure gets one answer, whether the upstream answered 5xx or could not be reached (docs/errors.md).
    ['upstream 5xx', new GatewayError('unavailable', 'upstream 500', { ...upstream, retryable: true }), 503, 'server_error', 'service_unavailable'],
    ['upstream unreachable', new GatewayError('unavailable', 'could not connect', { provider: 'openai', upstreamStatus: 0 }), 503, 'server_error', 'service_unavailable'],
    ['timeout', new GatewayError('deadline_exceeded', 'too slow'), 504, 'timeout_error', 'timeout'],
    ['malformed JSON', Object.assign(new Error('bad'), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 }), 400, 'invalid_request_error', 'invalid_json'],
    ['body too large', Object.assign(new Error('big'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }), 413, 'invalid_request_error', 'request_too_large'],    // The codes of the gateway apps moved from, by the refusal's reason (docs/errors.md).
    ['no key', new KeyRefusedError('missing', 'missing virtual key'), 401, 'invalid_request_error', 'missing_authorization'],
    ['unknown key', new KeyRefusedError('invalid', 'invalid virtual key'), 401, 'invalid_request_error', 'invalid_api_key'],
    ['disabled key', new KeyRefusedError('disabled', 'virtual key is disabled'), 403, 'permission_error', 'api_key_disabled'],
    ['revoked key', new KeyRefusedError('revoked', 'virtual key has been revoked'), 403, 'permission_error', 'permission_denied'],
    ['expired key', new KeyRefusedError('expired', 'virtual key has expired'), 403, 'permission_error', 'permission_denied'],
    ['ambiguous model', new AmbiguousModelError('gpt-4o', ['a/gpt-4o', 'b/gpt-4o']), 400, 'invalid_request_error', 'ambiguous_model_configuration'],
  ];
  it.each(rows)('%s → %i %s', (_label, error, status, type, code) => {
    const mapped = mapError(error);
    expect(mapped.status).toBe(status);
    expect(mapped.body.error).toMatchObject({ type, code });
    expect(Object.keys(mapped.body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(mapped.body.error.message).not.toContain('secret detail');
  });

  it('names the OpenAI parameter for core field errors and sets retry-after', () => {
    const mapped = mapError(invalidArgument('chat.max_output_tokens', 'must be ≥ 1'));
    expect(mapped.body.error.param).toBe('max_completion_tokens');
    expect(mapped.body.error.message).toBe("Invalid 'max_completion_tokens': must be ≥ 1");
    expect(mapError(rows[6]![1]).headers['retry-after']).toBe('7');
    expect(mapError(rows[7]![1]).headers['x-should-retry']).toBe('false');
  });
});

describe('gateway headers', () => {
  it('route headers and an ASCII-only JSON warnings header with OpenAI names', () => {
    expect(routeHeaders(undefined)).toEqual({});
    expect(routeHeaders(create(RouteInfoSchema, { providerId: 'anthropic', upstreamModel: 'claude-x' }))).toEqual({
      'x-gateway-provider': 'anthropic',
      'x-gateway-upstream-model': 'claude-x',
    });
    expect(
      routeHeaders(
        create(RouteInfoSchema, {
          providerId: 'b',
          upstreamModel: 'm2',
          route: 'smart',
          attempts: [
            { providerId: 'a', upstreamModel: 'm1', outcome: 'unavailable', upstreamStatus: 503, duration: { seconds: 0n, nanos: 12_000_000 } },
            { providerId: 'b', upstreamModel: 'm2', outcome: 'ok', duration: { seconds: 1n, nanos: 0 } },
          ],
        }),
      ),
    ).toMatchObject({ 'x-gateway-route': 'smart', 'x-gateway-attempts': 'a/m1=unavailable 503 12ms, b/m2=ok 200 1000ms' });
    const header = warningsHeader([
      create(WarningSchema, { code: 'unsupported_parameter', param: 'seed', message: 'Anthropic does not support seed — dropped' }),
      create(WarningSchema, { code: 'unsupported_parameter', param: 'provider_options.logprobs', message: 'dropped' }),
    ])['x-gateway-warnings']!;
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    expect(JSON.parse(header)).toEqual([
      { code: 'unsupported_parameter', param: 'seed', message: 'Anthropic does not support seed — dropped' },
      { code: 'unsupported_parameter', param: 'logprobs', message: 'dropped' },
    ]);
    const many = Array.from({ length: 100 }, (_, index) => create(WarningSchema, { code: 'x', param: `p${index}`, message: 'm'.repeat(100) }));
    const truncated = JSON.parse(warningsHeader(many)['x-gateway-warnings']!) as Array<{ code: string; count?: number }>;
    expect(truncated.at(-1)?.code).toBe('truncated');
    expect(warningsHeader([])).toEqual({});
  });

  it('tool-call ids carry signatures and come back unchanged', () => {
    expect(encodeToolCallId('call_1', '')).toBe('call_1');
    const wire = encodeToolCallId('call_1', 'CiQBjz1rX+/=');
    expect(wire).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeToolCallId(wire)).toEqual({ id: 'call_1', signature: 'CiQBjz1rX+/=' });
    expect(decodeToolCallId('plain')).toEqual({ id: 'plain', signature: '' });
  });
});
