import { describe, expect, it } from 'vitest';
import { ApiError } from '@google/genai';
import { create } from '@bufbuild/protobuf';
import { FinishReason, ImagePartSchema } from '../../../gen/llmgateway/v1/chat_pb.js';
import { GatewayError } from '../../../src/domain/gateway-error.js';
import { convertImage, guessMimeFromUrl } from '../../../src/providers/gemini/convert-image.js';
import { WarningCollector } from '../../../src/providers/shared/warning-collector.js';
import { resolveEndpoint } from '../../../src/providers/gemini/gemini-endpoint.js';
import { mapError } from '../../../src/providers/gemini/map-error.js';
import { mapFinishReason } from '../../../src/providers/gemini/map-finish-reason.js';
import { mapUsage } from '../../../src/providers/gemini/map-usage.js';
import { createToolCallIds } from '../../../src/providers/gemini/tool-call-ids.js';

describe('mapFinishReason', () => {
  it.each([
    ['STOP', false, FinishReason.STOP],
    ['STOP', true, FinishReason.TOOL_CALLS],
    ['MAX_TOKENS', true, FinishReason.LENGTH],
    ['SAFETY', false, FinishReason.CONTENT_FILTER],
    ['RECITATION', false, FinishReason.CONTENT_FILTER],
    ['PROHIBITED_CONTENT', false, FinishReason.CONTENT_FILTER],
    ['IMAGE_SAFETY', false, FinishReason.CONTENT_FILTER],
    ['MALFORMED_FUNCTION_CALL', true, FinishReason.ERROR],
    ['MISSING_THOUGHT_SIGNATURE', false, FinishReason.ERROR],
    ['NO_IMAGE', false, FinishReason.ERROR],
    ['OTHER', false, FinishReason.OTHER],
    ['FINISH_REASON_UNSPECIFIED', false, FinishReason.OTHER],
  ] as const)('%s (call seen: %s)', (raw, sawCall, expected) => {
    expect(mapFinishReason(raw, sawCall)).toBe(expected);
  });
});

describe('mapUsage', () => {
  it('counts thoughts as output once, cached and tool-use prompt tokens as input', () => {
    expect(
      mapUsage({ promptTokenCount: 2000, cachedContentTokenCount: 1500, candidatesTokenCount: 50, thoughtsTokenCount: 250, toolUsePromptTokenCount: 7, totalTokenCount: 2307 }),
    ).toMatchObject({ inputTokens: 2007, cachedInputTokens: 1500, cacheWriteTokens: 0, outputTokens: 300, reasoningTokens: 250, totalTokens: 2307 });
    expect(mapUsage(undefined)).toBeUndefined();
  });
});

const API_KEY = 'AIzaSyFixtureFixtureFixtureFixture12345';
const context = { providerId: 'gem', secrets: [API_KEY] };
const apiError = (status: number, error: Record<string, unknown>) => new ApiError({ message: JSON.stringify({ error }), status });

describe('mapError', () => {
  it('maps HTTP statuses to kinds, keeping the upstream message', () => {
    const cases: Array<[number, string, GatewayError['kind'], boolean]> = [
      [400, 'INVALID_ARGUMENT', 'invalid_argument', false],
      [400, 'FAILED_PRECONDITION', 'failed_precondition', false],
      // Payment or quota state of the account: the shared table's answer for every family.
      [402, 'FAILED_PRECONDITION', 'failed_precondition', false],
      [403, 'PERMISSION_DENIED', 'failed_precondition', false],
      [404, 'NOT_FOUND', 'not_found', false],
      [413, 'INVALID_ARGUMENT', 'payload_too_large', false],
      [500, 'INTERNAL', 'unavailable', true],
      [503, 'UNAVAILABLE', 'unavailable', true],
      [504, 'DEADLINE_EXCEEDED', 'unavailable', true],
    ];
    for (const [status, googleStatus, kind, retryable] of cases) {
      const error = mapError(apiError(status, { code: status, message: 'upstream says why', status: googleStatus }), context);
      expect(error).toMatchObject({ kind, retryable, upstreamStatus: status, provider: 'gem' });
      expect(error.message).toContain('upstream says why');
    }
  });

  it('a 400 API_KEY_INVALID is the credentials problem, message kept when it holds no key', () => {
    const error = mapError(
      apiError(400, {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }],
      }),
      context,
    );
    expect(error).toMatchObject({ kind: 'failed_precondition', upstreamStatus: 400 });
    expect(error.message).toBe("provider gem rejected the gateway's credentials (HTTP 400): API key not valid. Please pass a valid API key.");
  });

  it('drops a credential error message that echoes a key, and redacts keys elsewhere', () => {
    const echoed = mapError(apiError(401, { code: 401, message: `bad key ${API_KEY}`, status: 'UNAUTHENTICATED' }), context);
    expect(echoed.message).toBe("provider gem rejected the gateway's credentials (HTTP 401)");
    const other = mapError(apiError(400, { code: 400, message: 'see https://x.test/?key=AIzaSyOtherOtherOtherOtherOther99', status: 'INVALID_ARGUMENT' }), context);
    expect(other.message).not.toContain('AIza');
    expect(other.message).toContain('[redacted]');
  });

  it('429: resource_exhausted, retryable, retryAfterSeconds from RetryInfo', () => {
    const error = mapError(
      apiError(429, {
        code: 429,
        message: 'Quota exceeded',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12.4s' }],
      }),
      context,
    );
    expect(error).toMatchObject({ kind: 'resource_exhausted', retryable: true, retryAfterSeconds: 13, upstreamStatus: 429 });
  });

  it('reads an error event inside a stream ("got status: …")', () => {
    const body = { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } };
    const error = mapError(new ApiError({ message: `got status: UNAVAILABLE. ${JSON.stringify(body)}`, status: 503 }), context);
    expect(error).toMatchObject({ kind: 'unavailable', retryable: true, upstreamStatus: 503 });
    expect(error.message).toContain('The model is overloaded.');
  });

  it('abort → canceled; transport failures → unavailable; GatewayError passes through', () => {
    const controller = new AbortController();
    controller.abort();
    expect(mapError(new Error('whatever'), { ...context, signal: controller.signal }).kind).toBe('canceled');
    expect(mapError(Object.assign(new Error('aborted'), { name: 'AbortError' }), context).kind).toBe('canceled');
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect(mapError(refused, context)).toMatchObject({ kind: 'unavailable', retryable: true, upstreamStatus: 0 });
    expect(mapError(new TypeError('terminated'), { ...context, statusWhenNone: 200 })).toMatchObject({ kind: 'unavailable', upstreamStatus: 200 });
    const own = new GatewayError('invalid_argument', 'x');
    expect(mapError(own, context)).toBe(own);
    expect(mapError(new Error('bug'), context).kind).toBe('internal');
  });
});

describe('resolveEndpoint', () => {
  it.each([
    ['', undefined, 'v1beta'],
    ['http://127.0.0.1:9000', 'http://127.0.0.1:9000', 'v1beta'],
    ['http://127.0.0.1:9000/', 'http://127.0.0.1:9000', 'v1beta'],
    ['https://proxy.example.test/gemini/v1beta/', 'https://proxy.example.test/gemini', 'v1beta'],
    ['https://generativelanguage.googleapis.com/v1', 'https://generativelanguage.googleapis.com', 'v1'],
  ])('%s', (input, baseUrl, apiVersion) => {
    expect(resolveEndpoint(input)).toEqual({ baseUrl, apiVersion });
  });
});

describe('convertImage', () => {
  it('data URLs → inlineData, URLs → fileData with a guessed mime type, unknown → jpeg with a warning', () => {
    const warnings = new WarningCollector();
    const image = (url: string, mediaType = '') => convertImage(create(ImagePartSchema, { source: { case: 'url', value: url }, mediaType }), 'm', warnings);
    expect(image('data:image/webp;base64,AAAA')).toEqual({ inlineData: { mimeType: 'image/webp', data: 'AAAA' } });
    expect(image('https://x.test/a.JPG?size=2')).toEqual({ fileData: { mimeType: 'image/jpeg', fileUri: 'https://x.test/a.JPG?size=2' } });
    expect(image('https://x.test/a', 'image/gif')).toEqual({ fileData: { mimeType: 'image/gif', fileUri: 'https://x.test/a' } });
    expect(warnings.warnings).toEqual([]);
    expect(image('https://x.test/blob')).toEqual({ fileData: { mimeType: 'image/jpeg', fileUri: 'https://x.test/blob' } });
    expect(warnings.warnings).toEqual([expect.objectContaining({ code: 'default_applied', param: 'm.media_type' })]);
    expect(guessMimeFromUrl('gs://bucket/file.heic')).toBe('image/heic');
  });
});

describe('createToolCallIds', () => {
  it('keeps upstream ids and mints unique ones otherwise', () => {
    const ids = createToolCallIds('s');
    expect([ids('fc-1'), ids(undefined), ids(''), ids('fc-2')]).toEqual(['fc-1', 'call_0_s', 'call_1_s', 'fc-2']);
    expect(createToolCallIds()(undefined)).not.toBe(createToolCallIds()(undefined));
  });
});
