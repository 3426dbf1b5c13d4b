import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { FinishReason, ImagePartSchema } from '../../../gen/llmgateway/v1/chat_pb.js';
import { convertImage, guessMimeFromUrl } from '../../../src/providers/gemini/convert-image.js';
import { WarningCollector } from '../../../src/providers/shared/warning-collector.js';
import { resolveEndpoint } from '../../../src/providers/gemini/gemini-endpoint.js';
import { mapFinishReason } from '../../../src/providers/gemini/map-finish-reason.js';
import { mapUsage } from '../../../src/providers/gemini/map-usage.js';
import { createToolCallIds } from '../../../src/providers/shared/tool-call-ids.js';

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
