// Failures on the Anthropic surface: the official SDK's error classes for the
// matching statuses (a `role: "system"` message where Anthropic refuses one
// included), a bad-input table on raw HTTP (status, Anthropic error body
// naming the field, request id), a mid-stream failure as `event: error`,
// and a client leaving mid-stream aborting the upstream call. The gateway runs
// with a 64 KiB body limit.
import http from 'node:http';
import http2 from 'node:http2';
import Anthropic, { APIError, AuthenticationError, BadRequestError, InternalServerError, NotFoundError, RateLimitError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShimHarness, waitFor, type ShimHarness } from '../shim-harness.js';

const BODY_LIMIT = 64 * 1024;
let harness: ShimHarness;
let client: Anthropic;

beforeAll(async () => {
  harness = await startShimHarness(['openai', 'anthropic'], { GATEWAY_BODY_LIMIT_BYTES: String(BODY_LIMIT) });
  client = new Anthropic({ baseURL: harness.gateway.url, apiKey: harness.secret, maxRetries: 0 });
});
afterAll(async () => harness?.close());

const hello = (model: string) => ({ model, max_tokens: 64, messages: [{ role: 'user' as const, content: 'x' }] });

async function rejection(promise: Promise<unknown>): Promise<APIError> {
  try {
    await promise;
  } catch (error) {
    return error as APIError;
  }
  throw new Error('expected a failure');
}

describe('the official client’s error classes', () => {
  it('AuthenticationError for an invalid or missing virtual key', async () => {
    const bad = new Anthropic({ baseURL: harness.gateway.url, apiKey: 'sk-gw-not-a-real-key', maxRetries: 0 });
    const error = await rejection(bad.messages.create(hello('openai/plain-text')));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.type).toBe('authentication_error');
    expect(error.requestID).toMatch(/\S/);
    const missing = await fetch(`${harness.gateway.url}/v1/messages`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('NotFoundError for an unknown model, unary, streamed and on count_tokens', async () => {
    for (const stream of [false, true]) {
      const error = await rejection(client.messages.create({ ...hello('openai/no-such-model'), stream }));
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.type).toBe('not_found_error');
    }
    expect(await rejection(client.messages.countTokens({ model: 'nothing', messages: [{ role: 'user', content: 'x' }] }))).toBeInstanceOf(NotFoundError);
  });

  it.each(['openai', 'anthropic'])('RateLimitError with retry-after from the %s upstream’s 429, unary and streamed', async (family) => {
    for (const stream of [false, true]) {
      const error = await rejection(client.messages.create({ ...hello(`${family}/error-429`), stream }));
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error.type).toBe('rate_limit_error');
      expect(error.headers?.get('retry-after')).toBe('7');
    }
    const viaHelper = await rejection(client.messages.stream(hello(`${family}/error-429`)).finalMessage());
    expect(viaHelper).toBeInstanceOf(RateLimitError);
  });

  it('BadRequestError for a role "system" message where Anthropic refuses one; nothing goes upstream', async () => {
    const before = harness.fixture('anthropic').received.length;
    for (const stream of [false, true]) {
      const error = await rejection(client.messages.create({ model: 'anthropic/plain-text', max_tokens: 20, stream, messages: [{ role: 'system', content: 'hi' }] }));
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error.type).toBe('invalid_request_error');
      expect(error.message).toMatch(/messages\.0\.role: a system message cannot be the first entry in messages/);
    }
    expect(harness.fixture('anthropic').received.length).toBe(before);
  });

  it('a role "system" message right after a user message is an instruction added mid-conversation: it reaches the upstream', async () => {
    const message = await client.messages.create({
      ...hello('anthropic/plain-text'),
      messages: [{ role: 'user', content: 'Say hello' }, { role: 'system', content: 'Answer in French.' }],
    });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello, world!' });
    const sent = harness.fixture('anthropic').received.at(-1)!;
    expect(sent.normalized?.system).toContain('Answer in French.');
  });

  it('upstream failures: its 400 → BadRequestError; its 5xx → 529 overloaded_error; its refusal of the gateway’s own key → 502 api_error', async () => {
    const rejected = await rejection(client.messages.create(hello('anthropic/error-400')));
    expect(rejected).toBeInstanceOf(BadRequestError);
    expect(rejected.message).toContain('Invalid value for temperature');
    for (const [model, status, type, shouldRetry] of [
      ['anthropic/error-500', 529, 'overloaded_error', 'true'],
      ['openai/error-500', 529, 'overloaded_error', 'true'],
      ['openai/error-401', 502, 'api_error', 'false'],
    ] as const) {
      const error = await rejection(client.messages.create(hello(model)));
      expect(error).toBeInstanceOf(InternalServerError);
      expect(error.status).toBe(status);
      expect(error.type).toBe(type);
      expect(error.headers?.get('x-should-retry')).toBe(shouldRetry);
      expect(error.message).not.toContain(harness.fixture('anthropic').apiKey);
    }
  });
});

/** Where Anthropic refuses a `role: "system"` message (its placement rules for mid-conversation system messages). */
const systemPlacements: Array<[string, string[], RegExp]> = [
  ['a system message first', ['system'], /^messages\.0\.role: a system message cannot be the first entry in messages/],
  ['a system message after an assistant message', ['user', 'assistant', 'system'], /^messages\.2\.role: a system message must immediately follow a user message/],
  ['a system message before a user message', ['user', 'system', 'user'], /^messages\.1\.role: a system message must be the last entry in messages or be followed by an assistant message/],
  ['consecutive system messages', ['user', 'system', 'system'], /^messages\.1\.role: consecutive system messages are not allowed$/],
];

describe('bad input: Anthropic’s error shape, the field named, never a 500', () => {
  const post = (body: string | object, headers: Record<string, string> = {}, path = '/v1/messages') =>
    harness.post(path, body, { 'x-api-key': harness.secret, ...headers });
  const big = 'x'.repeat(BODY_LIMIT + 1);
  const cases: Array<[string, string | object, number, string, RegExp]> = [
    ['malformed JSON', '{"model": "openai/plain-text", ', 400, 'invalid_request_error', /not valid JSON/],
    ['a JSON array body', '[1, 2]', 400, 'invalid_request_error', /JSON object/],
    ['no max_tokens', { model: 'openai/plain-text', messages: [{ role: 'user', content: 'x' }] }, 400, 'invalid_request_error', /^max_tokens: Field required$/],
    ['no messages', { model: 'openai/plain-text', max_tokens: 5 }, 400, 'invalid_request_error', /^messages: Field required$/],
    ['max_tokens as a string', { ...hello('openai/plain-text'), max_tokens: '10' }, 400, 'invalid_request_error', /^max_tokens: Input should be a valid integer/],
    ['temperature out of range', { ...hello('openai/plain-text'), temperature: 3 }, 400, 'invalid_request_error', /^temperature: /],
    ['a bad role', { ...hello('openai/plain-text'), messages: [{ role: 'tool', content: 'x' }] }, 400, 'invalid_request_error', /^messages\.0\.role: Input should be 'user', 'assistant' or 'system'/],
    ...systemPlacements.map(([name, roles, message]): [string, object, number, string, RegExp] => [
      name,
      { ...hello('openai/plain-text'), messages: roles.map((role) => ({ role, content: 'x' })) },
      400,
      'invalid_request_error',
      message,
    ]),
    [
      'an unsupported block',
      { ...hello('openai/plain-text'), messages: [{ role: 'user', content: [{ type: 'search_result', source: 'x', title: 'x', content: [] }] }] },
      400,
      'invalid_request_error',
      /^messages\.0\.content\.0\.type: 'search_result' blocks are not supported/,
    ],
    [
      'a document without a source type',
      { ...hello('openai/plain-text'), messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }] },
      400,
      'invalid_request_error',
      /^messages\.0\.content\.0\.source\.type: Field required$/,
    ],
    [
      'an image without data',
      { ...hello('openai/plain-text'), messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png' } }] }] },
      400,
      'invalid_request_error',
      /^messages\.0\.content\.0\.source\.data: Field required$/,
    ],
    ['tool_choice tool without a name', { ...hello('openai/plain-text'), tool_choice: { type: 'tool' } }, 400, 'invalid_request_error', /^tool_choice\.name: Field required$/],
    [
      'a core check, renamed (system prompt shifts the index back)',
      { ...hello('openai/plain-text'), system: 'Be brief.', messages: [{ role: 'user', content: [] }] },
      400,
      'invalid_request_error',
      /^messages\.0\.content: must not be empty$/,
    ],
    [
      'a bad tool name, renamed',
      { ...hello('openai/plain-text'), tools: [{ name: 'bad name!', input_schema: { type: 'object' } }] },
      400,
      'invalid_request_error',
      /^tools\.0\.name: /,
    ],
    ['an unknown model', hello('openai/no-such-model'), 404, 'not_found_error', /not served/],
    ['an over-large body', { ...hello('openai/plain-text'), system: big }, 413, 'request_too_large', /maximum allowed number of bytes \(65536\)/],
  ];

  it.each(cases)('%s', async (_name, body, status, type, message) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    const json = (await response.json()) as { type: string; error: { type: string; message: string }; request_id: string };
    expect(json.type).toBe('error');
    expect(json.error.type).toBe(type);
    expect(json.error.message).toMatch(message);
    expect(json.request_id).toBe(response.headers.get('request-id'));
  });

  it('count_tokens needs no max_tokens, but checks the rest', async () => {
    const ok = await post({ model: 'openai/plain-text', messages: [{ role: 'user', content: 'x' }] }, {}, '/v1/messages/count_tokens');
    expect(ok.status).toBe(200);
    const bad = await post({ model: 'openai/plain-text', messages: 'x' }, {}, '/v1/messages/count_tokens');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^messages: Input should be a valid list/);
  });
});

describe('streams that fail or lose their client', () => {
  it('a failure after the stream began ends it with `event: error` (no message_stop); the SDK throws', async () => {
    const response = await harness.post('/v1/messages', { ...hello('anthropic/broken-stream'), stream: true }, { 'x-api-key': harness.secret });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('event: content_block_delta');
    expect(text).not.toContain('event: message_stop');
    const last = text.trim().split('\n\n').at(-1)!;
    expect(last.split('\n')[0]).toBe('event: error');
    expect(JSON.parse(last.split('\n')[1]!.slice('data: '.length))).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });

    const stream = client.messages.stream(hello('anthropic/broken-stream'));
    const texts: string[] = [];
    stream.on('text', (delta) => texts.push(delta));
    const error = await rejection(stream.finalMessage());
    expect(error).toBeInstanceOf(APIError);
    expect(error.type).toBe('overloaded_error');
    expect(texts.join('')).toContain('partial');
  });

  it('aborts the upstream call when the client drops the connection mid-stream', async () => {
    const fixture = harness.fixture('anthropic');
    const before = fixture.abortedStreams();
    const received = await new Promise<string>((resolve, reject) => {
      const request = http.request(
        `${harness.gateway.url}/v1/messages`,
        { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'x-api-key': harness.secret } },
        (response) => {
          let text = '';
          response.on('data', (data: Buffer) => {
            text += data.toString('utf8');
            if (text.includes('"text":"Slowly "')) {
              request.destroy();
              resolve(text);
            }
          });
        },
      );
      request.on('error', reject);
      request.end(JSON.stringify({ ...hello('anthropic/slow-stream'), stream: true }));
    });
    expect(received.startsWith('event: message_start\n')).toBe(true);
    await waitFor(() => fixture.abortedStreams() > before, 'the upstream to see the disconnect');
  });

  it('aborts through the SDK’s AbortController too', async () => {
    const fixture = harness.fixture('openai');
    const before = fixture.abortedStreams();
    const controller = new AbortController();
    const stream = await client.messages.create({ ...hello('openai/slow-stream'), stream: true }, { signal: controller.signal });
    const seen: string[] = [];
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
        seen.push(event.delta.text);
        controller.abort();
      }
    }
    expect(seen.join('')).toContain('Hello');
    await waitFor(() => fixture.abortedStreams() > before, 'the upstream to see the disconnect');
  });
  it('over h2c (prior knowledge) too: the stream arrives whole, and a reset stream aborts the upstream', async () => {
    const fixture = harness.fixture('anthropic');
    const session = http2.connect(harness.gateway.url);
    const headers = { ':method': 'POST', ':path': '/v1/messages', 'content-type': 'application/json', 'x-api-key': harness.secret };
    try {
      const whole = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const stream = session.request(headers);
        let status = 0;
        let body = '';
        stream.setEncoding('utf8');
        stream.on('response', (response) => (status = Number(response[':status'])));
        stream.on('data', (data: string) => (body += data));
        stream.on('end', () => resolve({ status, body }));
        stream.on('error', reject);
        stream.end(JSON.stringify({ ...hello('anthropic/plain-text'), stream: true }));
      });
      expect(whole.status).toBe(200);
      expect(whole.body.startsWith('event: message_start\n')).toBe(true);
      expect(whole.body.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);

      const before = fixture.abortedStreams();
      await new Promise<void>((resolve, reject) => {
        const stream = session.request(headers);
        stream.setEncoding('utf8');
        stream.on('data', (data: string) => {
          if (data.includes('"text":"Slowly "')) {
            stream.close(http2.constants.NGHTTP2_CANCEL);
            resolve();
          }
        });
        stream.on('error', reject);
        stream.end(JSON.stringify({ ...hello('anthropic/slow-stream'), stream: true }));
      });
      await waitFor(() => fixture.abortedStreams() > before, 'the upstream to see the reset stream');
    } finally {
      session.close();
    }
  });
});
