// Function-call arguments on the Gemini surface when the upstream's are
// unusual: an OpenAI-format upstream that interleaves two parallel calls'
// argument fragments (each names its call by index) must give each call its
// own arguments, in the SSE and the JSON-array stream; arguments that are not
// a JSON object must never come back as `args: {}` (an agent would run the
// tool without them) but as Gemini's MALFORMED_FUNCTION_CALL, with a warning
// and a log line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoogleGenAI, type GenerateContentResponse } from '@google/genai';
import { BROKEN_ARGUMENTS, INTERLEAVED_CALLS } from '../../fixtures/tool-call-answers.js';
import { startRoutingHarness, type RoutingHarness } from '../../routing/routing-harness.js';

let harness: RoutingHarness;
let ai: GoogleGenAI;

beforeAll(async () => {
  harness = await startRoutingHarness();
  await harness.addFaultProvider('tools', ['interleaved-g', 'badargs-g']);
  ai = new GoogleGenAI({ apiKey: harness.secret, apiVersion: 'v1beta', httpOptions: { baseUrl: harness.gateway.url, retryOptions: { attempts: 1 } } });
});
afterAll(() => harness?.close());

const expectedCalls = INTERLEAVED_CALLS.map((call) => [call.name, call.arguments]);
const namesAndArgs = (responses: GenerateContentResponse[]) =>
  responses.flatMap((response) => response.candidates?.[0]?.content?.parts ?? []).flatMap((part) => (part.functionCall ? [[part.functionCall.name, part.functionCall.args]] : []));

/** streamGenerateContent without alt=sse: Google's JSON array, as a client without the SDK reads it. */
async function jsonArrayStream(model: string): Promise<GenerateContentResponse[]> {
  const response = await fetch(`${harness.gateway.url}/v1beta/models/${model}:streamGenerateContent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': harness.secret },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Weather and time in Paris?' }] }] }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as GenerateContentResponse[];
}

async function sseStream(model: string): Promise<GenerateContentResponse[]> {
  const responses: GenerateContentResponse[] = [];
  for await (const response of await ai.models.generateContentStream({ model, contents: 'Weather and time in Paris?' })) responses.push(response);
  return responses;
}

describe('Gemini surface: parallel calls whose argument fragments interleave upstream', () => {
  it('generateContentStream (alt=sse) gives each call its own arguments', async () => {
    const responses = await sseStream('tools/interleaved-g');
    expect(namesAndArgs(responses)).toEqual(expectedCalls);
    expect(responses.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
  });

  it('the JSON-array stream too', async () => {
    expect(namesAndArgs(await jsonArrayStream('tools/interleaved-g'))).toEqual(expectedCalls);
  });
});

describe('Gemini surface: a call whose arguments are not a JSON object', () => {
  const logged = () => harness.gateway.logLines.filter((line) => line.includes('invalid_tool_arguments') && line.includes('"level":40'));

  it('generateContent: no call with empty args, but MALFORMED_FUNCTION_CALL quoting it, a warning header and a log line', async () => {
    const before = logged().length;
    const response = await ai.models.generateContent({ model: 'tools/badargs-g', contents: 'Weather in Paris?' });
    expect(response.functionCalls).toBeUndefined();
    const candidate = response.candidates?.[0];
    expect(candidate?.finishReason).toBe('MALFORMED_FUNCTION_CALL');
    const warnings = JSON.parse(response.sdkHttpResponse?.headers?.['x-gateway-warnings'] ?? '[]') as Array<{ code: string; message: string }>;
    expect(warnings).toEqual([expect.objectContaining({ code: 'invalid_tool_arguments', message: expect.stringContaining('get_weather') })]);
    expect(logged().length).toBe(before + 1);
  });

  it('generateContentStream: the same ending, and a log line (the headers had left)', async () => {
    const before = logged().length;
    const responses = await sseStream('tools/badargs-g');
    expect(namesAndArgs(responses)).toEqual([]);
    expect(responses.at(-1)?.candidates?.[0]?.finishReason).toBe('MALFORMED_FUNCTION_CALL');
    await expect.poll(() => logged().length).toBe(before + 1);
  });

  it('the JSON-array stream: the finishMessage quotes the call (the SDK does not keep that field)', async () => {
    const responses = await jsonArrayStream('tools/badargs-g');
    expect(namesAndArgs(responses)).toEqual([]);
    expect(responses.at(-1)?.candidates?.[0]).toMatchObject({ finishReason: 'MALFORMED_FUNCTION_CALL', finishMessage: `Malformed function call: get_weather ${BROKEN_ARGUMENTS}` });
  });
});
