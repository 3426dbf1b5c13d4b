// A 200 whose body the gateway cannot use, through the official OpenAI client: the 503 says what was
// wrong with it — not JSON (and what it was instead: its Content-Type), or JSON of the wrong shape (which
// shape) — rather than "not valid JSON" for every case. Each case has a model of its own, so no breaker
// opened by an earlier case answers it.
import http from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCaller } from '../../helpers/admin-call.js';
import { startGateway, type StartedGateway } from '../../helpers/start-gateway.js';

/** What the upstream answers for each model: its Content-Type and body, with status 200. */
const ANSWERS: Record<string, { type: string; body: string }> = {
  'generate-body': { type: 'application/json', body: JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'hi' }] } }] }) },
  'event-stream': { type: 'text/event-stream', body: 'data: {"candidates":[]}\r\n\r\n' },
  'json-string': { type: 'application/json', body: '"hello"' },
  'json-array': { type: 'application/json', body: '[1, 2]' },
  'html-page': { type: 'text/html; charset=utf-8', body: '<html>proxy error</html>' },
};

let gateway: StartedGateway;
let upstream: http.Server;
let client: OpenAI;

beforeAll(async () => {
  upstream = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      // Gemini's wire names the model in the path, OpenAI's in the body.
      const model = Object.keys(ANSWERS).find((name) => request.url?.includes(name) || body.includes(`"${name}"`));
      if (model) {
        response.writeHead(200, { 'content-type': ANSWERS[model]!.type });
        response.end(ANSWERS[model]!.body);
        return;
      }
      response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
  gateway = await startGateway({ GATEWAY_LOG_LEVEL: 'info' });
  const admin = adminCaller(gateway.url, gateway.adminToken);
  const models = Object.keys(ANSWERS).map((upstreamModel) => ({ upstreamModel }));
  await admin('ProvidersService/CreateProvider', { id: 'gem', name: 'Gemini', type: 'PROVIDER_TYPE_GEMINI', baseUrl: base, apiKey: 'upstream-key', models });
  await admin('ProvidersService/CreateProvider', { id: 'oai', name: 'OpenAI', type: 'PROVIDER_TYPE_OPENAI', baseUrl: `${base}/v1`, apiKey: 'upstream-key', models });
  const { secret } = (await admin('KeysService/CreateKey', { name: 'answers' })) as { secret: string };
  client = new OpenAI({ apiKey: secret, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.close();
  await new Promise((resolve) => upstream?.close(resolve));
});

async function failureOf(call: Promise<unknown>): Promise<{ status: number | undefined; message: string }> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  const { status, message } = error as InstanceType<typeof OpenAI.APIError>;
  return { status, message };
}

const embed = (model: string, provider = 'gem') => client.embeddings.create({ model: `${provider}/${model}`, input: ['hello'] });
const chat = (model: string, provider = 'gem') => client.chat.completions.create({ model: `${provider}/${model}`, messages: [{ role: 'user', content: 'hi' }] });

describe('a 200 the gateway cannot use', () => {
  it('valid JSON of another method (generateContent for batchEmbedContents) is JSON of the wrong shape, not "not valid JSON"', async () => {
    const { status, message } = await failureOf(embed('generate-body'));
    expect(status).toBe(503);
    expect(message).toContain('provider gem answered with a body that is not a valid response (a JSON object without embeddings)');
  });

  it('a body that is not JSON says so, with what its Content-Type says it is', async () => {
    expect(await failureOf(embed('event-stream'))).toMatchObject({ status: 503, message: expect.stringContaining('(not valid JSON; Content-Type text/event-stream)') });
    expect(await failureOf(chat('html-page'))).toMatchObject({ status: 503, message: expect.stringContaining('(not valid JSON; Content-Type text/html)') });
  });

  it('JSON that is not an object is the wrong shape, named (not an unexpected internal error)', async () => {
    expect(await failureOf(chat('json-string'))).toMatchObject({ status: 503, message: expect.stringContaining('(a JSON string rather than an object)') });
    expect(await failureOf(embed('json-array'))).toMatchObject({ status: 503, message: expect.stringContaining('(a JSON array rather than an object)') });
    // The OpenAI SDK parses the body itself: the same words for what it hands over.
    expect(await failureOf(chat('json-array', 'oai'))).toMatchObject({ status: 503, message: expect.stringContaining('(a JSON array rather than an object)') });
    // … and hands a body that is not typed JSON over as text.
    expect(await failureOf(chat('event-stream', 'oai'))).toMatchObject({ status: 503, message: expect.stringContaining('(text rather than a JSON object)') });
  });
});
