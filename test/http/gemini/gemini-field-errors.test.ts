// A request the gateway's core refuses (an empty turn, a forced function that
// is not declared, a bad function name, an image URL no provider can fetch)
// is answered on the Gemini surface with the field of the client's own
// request, as Google words it (`Invalid value at 'contents[0].parts': …`),
// never the gateway's canonical path (`chat.messages[1].content`); the
// request-log row keeps the same message, and a provider's warnings name the
// Gemini field too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, FunctionCallingConfigMode } from '@google/genai';
import { startShimHarness, type ShimHarness } from '../shim-harness.js';
import { geminiClient, postGemini, weatherDeclaration } from './gemini-harness.js';

let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness(['openai']);
});
afterAll(async () => harness?.close());

type GoogleError = { error: { code: number; message: string; status: string } };
const system = { parts: [{ text: 'You are terse.' }] };
const hello = { role: 'user', parts: [{ text: 'Say hello' }] };

async function refusal(body: object, method = 'generateContent', headers?: Record<string, string>): Promise<string> {
  const response = await postGemini(harness, `/v1beta/models/openai/plain-text:${method}`, body, headers);
  expect(response.status).toBe(400);
  const error = ((await response.json()) as GoogleError).error;
  expect(error.status).toBe('INVALID_ARGUMENT');
  return error.message;
}

describe('a field the core refuses is named as the Gemini request names it', () => {
  it.each([
    ['an empty turn after a system instruction', { systemInstruction: system, contents: [hello, { role: 'model', parts: [] }, { role: 'user', parts: [] }] }, 'contents[2].parts'],
    [
      'allowedFunctionNames naming no declared function',
      { contents: [hello], tools: [{ functionDeclarations: [weatherDeclaration] }], toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_time'] } } },
      'toolConfig.functionCallingConfig.allowedFunctionNames',
    ],
    ['mode ANY without tools', { contents: [hello], toolConfig: { functionCallingConfig: { mode: 'ANY' } } }, 'toolConfig.functionCallingConfig.mode'],
    [
      'a bad name in the second tool',
      { contents: [hello], tools: [{ functionDeclarations: [weatherDeclaration] }, { functionDeclarations: [{ name: 'get time' }] }] },
      'tools[1].functionDeclarations[0].name',
    ],
    [
      'a file URL after an empty part',
      { systemInstruction: system, contents: [{ role: 'user', parts: [{}, { text: 'What is this?' }, { fileData: { mimeType: 'image/png', fileUri: 'ftp://example.com/cat.png' } }] }] },
      'contents[0].parts[2].fileData.fileUri',
    ],
    ['a thought in a user turn', { contents: [{ role: 'user', parts: [{ text: 'Hmm.', thought: true }] }] }, 'contents[0].parts[0]'],
  ])('%s', async (_what, body, field) => {
    const message = await refusal(body);
    expect(message).toMatch(new RegExp(`^Invalid value at '${field.replace(/[[\].]/g, '\\$&')}': `));
    expect(message).not.toContain('chat.');
  });

  it('in a stream refused before its first output, and in countTokens', async () => {
    const empty = { contents: [{ role: 'user', parts: [] }] };
    expect(await refusal(empty, 'streamGenerateContent?alt=sse')).toBe("Invalid value at 'contents[0].parts': must not be empty");
    expect(await refusal(empty, 'countTokens')).toBe("Invalid value at 'contents[0].parts': must not be empty");
  });

  it('through @google/genai, whose ApiError carries the message', async () => {
    const thrown = await geminiClient(harness)
      .models.generateContent({
        model: 'openai/plain-text',
        contents: 'Weather?',
        config: { tools: [{ functionDeclarations: [weatherDeclaration] }], toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ['get_time'] } } },
      })
      .catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(ApiError);
    expect((thrown as ApiError).status).toBe(400);
    expect((thrown as ApiError).message).toContain("Invalid value at 'toolConfig.functionCallingConfig.allowedFunctionNames': must name one of the request's tools");
  });

  it('the request-log row keeps the message the client read', async () => {
    const created = (await harness.admin('KeysService/CreateKey', { name: 'field-errors' })) as { secret: string; key: { id: string } };
    const message = await refusal({ systemInstruction: system, contents: [{ role: 'user', parts: [] }] }, 'generateContent', { 'x-goog-api-key': created.secret });
    expect(message).toBe("Invalid value at 'contents[0].parts': must not be empty");
    let rows: Array<Record<string, unknown>> = [];
    for (let tries = 0; tries < 100 && rows.length === 0; tries += 1) {
      rows = ((await harness.admin('UsageService/ListRequests', { filter: { keyId: created.key.id } })) as { requests?: Array<Record<string, unknown>> }).requests ?? [];
      if (rows.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ surface: 'gemini', errorKind: 'invalid_argument', errorMessage: message });
  });

  it('a warning from the provider names the Gemini field it is about', async () => {
    const response = await geminiClient(harness).models.generateContent({ model: 'openai/plain-text', contents: 'Say hello', config: { topK: 40 } });
    const warnings = JSON.parse(response.sdkHttpResponse?.headers?.['x-gateway-warnings'] ?? '[]') as Array<{ param: string }>;
    expect(warnings.map((warning) => warning.param)).toEqual(['generationConfig.topK']);
  });
});
