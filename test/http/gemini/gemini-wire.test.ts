// The Gemini surface on the wire: Google's error body and statuses (through
// @google/genai's ApiError and raw), the default JSON-array stream, `?key=`
// and every key header, @google/genai's default v1 path, and warnings for
// fields with no canonical form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@google/genai';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';
import { geminiClient, postGemini } from './gemini-harness.js';
import { rejection } from '../../helpers/rejection.js';

let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness(['openai', 'gemini'], { GATEWAY_BODY_LIMIT_BYTES: String(64 * 1024), GATEWAY_LOG_LEVEL: 'debug' });
});
afterAll(async () => harness?.close());

const hello = { contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }] };
type GoogleError = { error: { code: number; message: string; status: string } };

describe('Google-shaped errors', () => {
  it.each([
    ['an unknown model', 'openai/no-such-model', hello, 404, 'NOT_FOUND'],
    ['a bad field', 'openai/plain-text', { contents: [{ role: 'robot', parts: [{ text: 'x' }] }] }, 400, 'INVALID_ARGUMENT'],
    ['empty contents', 'openai/plain-text', { contents: [] }, 400, 'INVALID_ARGUMENT'],
    ['a file without a media type', 'openai/plain-text', { contents: [{ parts: [{ inlineData: { mimeType: 'pdf', data: 'AAAA' } }] }] }, 400, 'INVALID_ARGUMENT'],
    ['a built-in Google tool', 'openai/plain-text', { ...hello, tools: [{ googleSearch: {} }] }, 400, 'INVALID_ARGUMENT'],
    ['an upstream rate limit', 'openai/error-429', hello, 429, 'RESOURCE_EXHAUSTED'],
    ['an upstream that refuses the gateway’s key', 'gemini/error-401', hello, 502, 'INTERNAL'],
    ['an upstream outage', 'gemini/error-500', hello, 503, 'UNAVAILABLE'],
  ])('%s: Google’s status and code, as raw JSON and as the SDK’s ApiError', async (_what, model, body, code, status) => {
    const response = await postGemini(harness, `/v1beta/models/${model}:generateContent`, body);
    expect(response.status).toBe(code);
    const error = ((await response.json()) as GoogleError).error;
    expect(error).toMatchObject({ code, status });
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.message).not.toContain(harness.secret);

    // The SDK itself refuses empty contents before sending.
    if (body.contents.length === 0) return;
    const thrown = await rejection(geminiClient(harness).models.generateContent({ model, contents: body.contents as never, ...('tools' in body ? { config: { tools: body.tools as never } } : {}) }));
    expect(thrown).toBeInstanceOf(ApiError);
    expect((thrown as ApiError).status).toBe(code);
  });

  it('a 429 carries its wait as Google does, a RetryInfo detail beside retry-after; other errors carry no details', async () => {
    const limited = await postGemini(harness, '/v1beta/models/openai/error-429:generateContent', hello);
    const retryAfter = limited.headers.get('retry-after');
    expect(retryAfter).toMatch(/^\d+$/);
    const body = (await limited.json()) as { error: { details?: unknown[] } };
    expect(body.error.details).toEqual([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfter}s` }]);
    const missing = await postGemini(harness, '/v1beta/models/openai/no-such-model:generateContent', hello);
    expect(((await missing.json()) as { error: { details?: unknown[] } }).error.details).toBeUndefined();
  });

  it('names the field at fault', async () => {
    const response = await postGemini(harness, '/v1beta/models/openai/plain-text:generateContent', { ...hello, generationConfig: { temperature: 'hot' } });
    expect(((await response.json()) as GoogleError).error.message).toContain('generationConfig.temperature');
  });

  it('refuses a missing or unknown key with 401 UNAUTHENTICATED, also in the SDK', async () => {
    const missing = await postGemini(harness, '/v1beta/models/openai/plain-text:generateContent', hello, {});
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as GoogleError).error.status).toBe('UNAUTHENTICATED');
    const thrown = await rejection(geminiClient(harness, 'sk-gw-not-a-real-key').models.generateContent({ model: 'openai/plain-text', contents: 'x' }));
    expect((thrown as ApiError).status).toBe(401);
  });

  it('an unknown method, bad JSON and a too-large body answer in the same shape', async () => {
    const unknown = await postGemini(harness, '/v1beta/models/openai/plain-text:predict', hello);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as GoogleError).error.message).toContain(':generateContent');
    const badJson = await postGemini(harness, '/v1beta/models/openai/plain-text:generateContent', '{"contents": [');
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as GoogleError).error.status).toBe('INVALID_ARGUMENT');
    const large = await postGemini(harness, '/v1beta/models/openai/plain-text:generateContent', { contents: [{ parts: [{ text: 'x'.repeat(70 * 1024) }] }] });
    expect(large.status).toBe(413);
    expect(((await large.json()) as GoogleError).error.code).toBe(413);
  });

  it('a stream that fails after it began ends with Google’s error body (SSE and JSON array)', async () => {
    const sse = await postGemini(harness, '/v1beta/models/gemini/broken-stream:streamGenerateContent?alt=sse', hello);
    expect(sse.status).toBe(200);
    const events = (await sse.text()).split('\r\n\r\n').filter((frame) => frame.startsWith('data: ')).map((frame) => JSON.parse(frame.slice(6)) as Record<string, unknown>);
    expect(events.at(-1)).toMatchObject({ error: { code: 503, status: 'UNAVAILABLE' } });
    const array = await postGemini(harness, '/v1beta/models/gemini/broken-stream:streamGenerateContent', hello);
    const elements = JSON.parse(await array.text()) as Array<Record<string, unknown>>;
    expect(elements.at(-1)).toMatchObject({ error: { code: 503, status: 'UNAVAILABLE' } });
    expect(elements.length).toBeGreaterThan(1);
  });
});

describe('the wire', () => {
  it('streamGenerateContent without alt is one JSON array, delivered element by element', async () => {
    const response = await postGemini(harness, '/v1beta/models/openai/plain-text:streamGenerateContent', hello);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = await response.text();
    expect(body.startsWith('[{')).toBe(true);
    const elements = JSON.parse(body) as Array<{ candidates: Array<{ content: { parts: Array<{ text?: string }> }; finishReason?: string }> }>;
    expect(elements.map((element) => element.candidates[0]?.content.parts.map((part) => part.text ?? '').join('')).join('')).toBe('Hello, world!');
    expect(elements.at(-1)?.candidates[0]?.finishReason).toBe('STOP');
  });

  it('?alt=sse frames each response as a data: event', async () => {
    const response = await postGemini(harness, '/v1beta/models/openai/plain-text:streamGenerateContent?alt=sse', hello);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const frames = (await response.text()).split('\r\n\r\n').filter((frame) => frame !== '');
    expect(frames.every((frame) => frame.startsWith('data: {'))).toBe(true);
    expect(frames.length).toBeGreaterThan(2);
  });

  it.each(['x-goog-api-key', 'x-google-api-key', 'x-api-key', 'authorization'])('authenticates with %s', async (header) => {
    const value = header === 'authorization' ? `Bearer ${harness.secret}` : harness.secret;
    const response = await postGemini(harness, '/v1beta/models/openai/plain-text:generateContent', hello, { [header]: value });
    expect(response.status).toBe(200);
  });

  it('authenticates with ?key= and never logs it', async () => {
    const response = await postGemini(harness, `/v1beta/models/openai/plain-text:generateContent?key=${harness.secret}`, hello, {});
    expect(response.status).toBe(200);
    const listed = await fetch(`${harness.gateway.url}/v1beta/models?key=${encodeURIComponent(harness.secret)}`);
    expect(listed.status).toBe(200);
    expect(harness.gateway.logLines.some((line) => line.includes('key=[Redacted]'))).toBe(true);
    expect(harness.gateway.logLines.filter((line) => line.includes(harness.secret))).toEqual([]);
  });

  it('@google/genai on its default API version (v1) is served too', async () => {
    const response = await geminiClient(harness, harness.secret, 'v1').models.generateContent({ model: 'gemini/plain-text', contents: 'Say hello' });
    expect(response.text).toBe('Hello, world!');
  });

  it('a model-bound key reaches only its models, on generateContent and the listing', async () => {
    const created = await harness.admin('KeysService/CreateKey', { name: 'bound', allowedModels: ['openai/plain-text'] });
    const secret = String(created['secret']);
    const ai = geminiClient(harness, secret);
    expect((await ai.models.generateContent({ model: 'openai/plain-text', contents: 'Say hello' })).text).toBe('Hello, world!');
    const refused = await rejection(ai.models.generateContent({ model: 'gemini/plain-text', contents: 'Say hello' }));
    // The same answer as for a model that does not exist (docs/errors.md): a restricted key learns nothing.
    expect((refused as ApiError).status).toBe(404);
    const names: string[] = [];
    for await (const model of await ai.models.list()) names.push(model.name ?? '');
    // Its bare name too: among the models answering to `plain-text`, this key may use only that one.
    expect(names).toEqual(['models/openai/plain-text', 'models/plain-text']);
  });

  it('each call leaves a request-log row naming the Gemini surface, with its usage and the serving provider', async () => {
    const created = (await harness.admin('KeysService/CreateKey', { name: 'logged' })) as { secret: string; key: { id: string } };
    await geminiClient(harness, created.secret).models.generateContent({ model: 'gemini/plain-text', contents: 'Say hello' });
    let rows: Array<Record<string, unknown>> = [];
    for (let tries = 0; tries < 100 && rows.length === 0; tries += 1) {
      rows = ((await harness.admin('UsageService/ListRequests', { filter: { keyId: created.key.id } })) as { requests?: Array<Record<string, unknown>> }).requests ?? [];
      if (rows.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ surface: 'gemini', operation: 'chat', providerId: 'gemini', upstreamModel: 'plain-text', requestedModel: 'gemini/plain-text' });
  });

  it('generationConfig fields with no canonical form come back as warnings', async () => {
    const response = await postGemini(harness, '/v1beta/models/openai/plain-text:generateContent', { ...hello, generationConfig: { mediaResolution: 'MEDIA_RESOLUTION_LOW', temperature: 0.5 } });
    expect(response.status).toBe(200);
    const warnings = JSON.parse(response.headers.get('x-gateway-warnings') ?? '[]') as Array<{ param: string }>;
    expect(warnings.map((warning) => warning.param)).toContain('generationConfig.mediaResolution');
  });
});
