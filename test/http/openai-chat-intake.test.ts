// POST /v1/chat/completions served before Fastify (src/http/shim-intake.ts, openai/chat-intake.ts), on a real gateway
// at the production log level. Which requests the intake takes and which it leaves to Fastify is
// seen through Fastify's own diagnostics channel (a request Fastify's route handles publishes on
// `tracing:fastify.request.handler:start`). Whether it answers as Fastify does is checked side by
// side: the same request sent to /v1/chat/completions (the intake) and to
// /v1/chat/completions?via=fastify (a query string: Fastify's route), successes and every kind of
// failure, byte for byte but for what differs per request (ids, timestamps). The take decision looks
// at the method, path, HTTP version, content type and Origin only, so a failing request with a
// served request's shape is the intake's too.
import http2 from 'node:http2';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { comparable, fastifyHandled, intakeHarness, send as sendTo, sideBySide as sideBySideAt, type Answer } from './intake-side-by-side.js';
import { startShimHarness } from './shim-harness.js';

const BODY_LIMIT = 16 * 1024;
const harness = intakeHarness('openai', BODY_LIMIT);

const hello = (model = 'openai/plain-text') => JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }] });
const withKey = (headers: Record<string, string>) => ({ authorization: `Bearer ${harness().secret}`, 'content-type': 'application/json', ...headers });
const send = (path: string, body: string | Buffer | undefined, headers: Record<string, string> = {}): Promise<Answer> => sendTo(`${harness().gateway.url}${path}`, body, withKey(headers));

/** A hand-written HTTP/1.1 request (for what no client sends: a body shorter than its Content-Length); the whole answer as text. */
function sendRaw(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(harness().gateway.port, '127.0.0.1', () => socket.end(text));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

async function sideBySide(body: string | Buffer | undefined, headers: Record<string, string> = {}): Promise<{ intake: Answer; fastify: Answer }> {
  const { intake, fastify, fastifyHandlers } = await sideBySideAt(harness().gateway.url, '/v1/chat/completions', body, withKey(headers));
  // Only the second one may have reached a Fastify route handler (failures before the handler publish nothing).
  expect(fastifyHandlers.every((url) => url.includes('via=fastify'))).toBe(true);
  return { intake, fastify };
}

describe('which requests the intake takes', () => {
  it('takes a JSON chat request on /v1/chat/completions and /chat/completions, and leaves the rest to Fastify', async () => {
    const cases: Array<{ path: string; headers?: Record<string, string>; fastify: boolean }> = [
      { path: '/v1/chat/completions', fastify: false },
      { path: '/chat/completions', fastify: false },
      { path: '/v1/chat/completions', headers: { 'content-type': 'application/json; charset=UTF-8' }, fastify: false },
      { path: '/v1/chat/completions?via=fastify', fastify: true },
      { path: '/v1/chat/completions', headers: { 'content-type': 'application/json; charset=utf-16' }, fastify: true },
    ];
    for (const { path, headers, fastify } of cases) {
      const before = fastifyHandled.length;
      const answer = await send(path, hello(), headers);
      const label = `${path} ${JSON.stringify(headers ?? {})}`;
      expect(JSON.parse(answer.body), label).toMatchObject({ object: 'chat.completion' });
      expect(fastifyHandled.length - before, label).toBe(fastify ? 1 : 0);
    }
    // A media type only Fastify refuses (415) shows that Fastify had it: the intake would have parsed it.
    expect((await send('/v1/chat/completions', hello(), { 'content-type': 'application/vnd.api+json' })).status).toBe(415);
  });

  it('leaves HTTP/2 to Fastify', async () => {
    const session = http2.connect(harness().gateway.url);
    try {
      const before = fastifyHandled.length;
      const stream = session.request({ ':method': 'POST', ':path': '/v1/chat/completions', 'content-type': 'application/json', authorization: `Bearer ${harness().secret}` });
      stream.end(hello());
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      await new Promise((resolve) => stream.on('end', resolve));
      expect(JSON.parse(Buffer.concat(chunks).toString('utf8'))).toMatchObject({ object: 'chat.completion' });
      expect(fastifyHandled.length - before).toBe(1);
    } finally {
      session.close();
    }
  });

  it('leaves a request with an Origin to Fastify when CORS is configured (its plugin answers for it)', async () => {
    const withCors = await startShimHarness(['openai'], { GATEWAY_CORS_ORIGINS: 'https://app.example' });
    try {
      const post = (headers: Record<string, string>) =>
        fetch(`${withCors.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${withCors.secret}`, ...headers }, body: hello() });
      let before = fastifyHandled.length;
      const fromApp = await post({ origin: 'https://app.example' });
      expect(fromApp.status).toBe(200);
      expect(fromApp.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(fastifyHandled.length - before).toBe(1);
      before = fastifyHandled.length;
      expect((await post({})).status).toBe(200);
      expect(fastifyHandled.length - before).toBe(0);
    } finally {
      await withCors.close();
    }
  });

  it('serves streams too, and through the official client', async () => {
    const before = fastifyHandled.length;
    const completion = await harness().client.chat.completions.create({ model: 'openai/plain-text', messages: [{ role: 'user', content: 'Hello' }] });
    expect(completion.choices[0]?.message.content).toBeTruthy();
    let text = '';
    for await (const chunk of await harness().client.chat.completions.create({ model: 'openai/plain-text', messages: [{ role: 'user', content: 'Hello' }], stream: true })) {
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe(completion.choices[0]?.message.content);
    expect(fastifyHandled.length - before).toBe(0);
  });

  it('gives the request the client’s x-request-id, which its request-log row carries', async () => {
    const answer = await send('/v1/chat/completions', hello(), { 'x-request-id': 'intake-id-1' });
    expect(answer.status).toBe(200);
    expect(answer.headers['x-request-id']).toBe('intake-id-1');
    const generated = await send('/v1/chat/completions', hello());
    expect(generated.headers['x-request-id']).toMatch(/\S/);
    expect(generated.headers['x-request-id']).not.toBe('intake-id-1');
    const { gateway } = harness().gateway;
    const rowOf = async () => {
      await gateway.requestLog.flush();
      return (await gateway.storage.requestLogs.list({}, { limit: 20 })).items.find((row) => row.requestId === 'intake-id-1');
    };
    let row = await rowOf();
    for (let attempt = 0; !row && attempt < 50; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      row = await rowOf();
    }
    expect(row).toMatchObject({ surface: 'openai', requestedModel: 'openai/plain-text', clientIp: '127.0.0.1' });
  });

  it('logs with the request’s id, as Fastify’s request logger does (a stream the upstream broke)', async () => {
    const answer = await send('/v1/chat/completions', JSON.stringify({ model: 'openai/broken-stream', messages: [{ role: 'user', content: 'Hello' }], stream: true }), { 'x-request-id': 'intake-broken-1' });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('"error"');
    const lines = harness().gateway.logLines.map((entry) => JSON.parse(entry) as Record<string, unknown>);
    expect(lines.find((entry) => entry['msg'] === 'stream ended with an error event' && entry['requestId'] === 'intake-broken-1')).toBeDefined();
  });
});

describe('answers as Fastify’s route answers', () => {
  const cases: Array<{ label: string; body: string | Buffer | undefined; headers?: Record<string, string>; status: number }> = [
    { label: 'a completion', body: hello(), status: 200 },
    { label: 'a stream', body: JSON.stringify({ model: 'openai/plain-text', messages: [{ role: 'user', content: 'Hello' }], stream: true, stream_options: { include_usage: true } }), status: 200 },
    { label: 'a chunked body (no Content-Length)', body: Buffer.from(hello()), headers: { 'transfer-encoding': 'chunked' }, status: 200 },
    { label: 'a gzip-encoded body (not decoded, as Fastify does not)', body: gzipSync(hello()), headers: { 'content-encoding': 'gzip' }, status: 400 },
    { label: 'a tool call', body: JSON.stringify({ model: 'openai/one-tool-call', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }] }), status: 200 },
    { label: 'malformed JSON', body: '{"model": "openai/plain-text", "messages": [}', status: 400 },
    { label: 'an empty body', body: '', status: 400 },
    { label: 'a __proto__ key', body: '{"model":"openai/plain-text","messages":[],"__proto__":{"polluted":true}}', status: 400 },
    { label: 'a constructor.prototype key', body: '{"model":"openai/plain-text","constructor":{"prototype":{"polluted":true}}}', status: 400 },
    { label: 'a body over the limit (declared)', body: JSON.stringify({ model: 'openai/plain-text', messages: [], padding: 'x'.repeat(BODY_LIMIT) }), status: 413 },
    { label: 'a body over the limit (chunked, no length)', body: Buffer.from(JSON.stringify({ model: 'openai/plain-text', messages: [], padding: 'x'.repeat(BODY_LIMIT) })), headers: { 'transfer-encoding': 'chunked' }, status: 413 },
    { label: 'invalid UTF-8 in the body', body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), status: 400 },
    { label: 'a bad parameter', body: JSON.stringify({ model: 'openai/plain-text', messages: [{ role: 'user', content: 'x' }], temperature: 'warm' }), status: 400 },
    { label: 'an unknown model', body: hello('openai/unknown'), status: 404 },
    { label: 'an invalid key', body: hello(), headers: { authorization: 'Bearer sk-gw-wrong' }, status: 401 },
    { label: 'no key (before the body is read)', body: '{not json', headers: { authorization: '' }, status: 401 },
    { label: 'the upstream’s 429 (retry-after)', body: hello('openai/error-429'), status: 429 },
    { label: 'the upstream’s 500', body: hello('openai/error-500'), status: 502 },
    { label: 'a stream refused before it opens', body: JSON.stringify({ model: 'openai/unknown', messages: [{ role: 'user', content: 'x' }], stream: true }), status: 404 },
  ];

  it.each(cases)('$label', async ({ body, headers, status }) => {
    const { intake, fastify } = await sideBySide(body, headers);
    expect(comparable(intake)).toEqual(comparable(fastify));
    if (status !== 502) expect(intake.status).toBe(status);
    expect(intake.headers['x-request-id']).toMatch(/\S/);
  });

  it('a body shorter than its Content-Length: the same 400, and the connection closed', async () => {
    const request = (path: string) =>
      `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${harness().secret}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n${hello()}`;
    const normalize = (text: string) => text.replace(/^(date|x-request-id|keep-alive): .*\r\n/gim, '');
    const intake = await sendRaw(request('/v1/chat/completions'));
    const fastify = await sendRaw(request('/v1/chat/completions?via=fastify'));
    expect(intake).toMatch(/^HTTP\/1\.1 400 /);
    expect(normalize(intake)).toBe(normalize(fastify));
  });
});
