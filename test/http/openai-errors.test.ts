// Failures on the OpenAI surface: the official client's error classes for the
// matching statuses, and a bad-input table checked on raw HTTP (status, error
// body, headers). The gateway runs with a 64 KiB body limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { AuthenticationError, BadRequestError, InternalServerError, NotFoundError, PermissionDeniedError, RateLimitError } from 'openai';
import { startShimHarness, type ShimHarness } from './shim-harness.js';
import { rejection } from '../helpers/rejection.js';

const BODY_LIMIT = 64 * 1024;
let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness(['openai', 'anthropic'], { GATEWAY_BODY_LIMIT_BYTES: String(BODY_LIMIT) });
});
afterAll(async () => harness?.close());

const hello = (model: string) => ({ model, messages: [{ role: 'user' as const, content: 'x' }] });

describe('the official client’s error classes', () => {
  it('AuthenticationError for an invalid virtual key (also sent as api-key / x-api-key)', async () => {
    const bad = harness.clientWith({ apiKey: 'sk-gw-not-a-real-key' });
    const error = await rejection(bad.chat.completions.create(hello('openai/plain-text')));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).code).toBe('invalid_api_key');
    for (const header of ['api-key', 'x-api-key']) {
      const response = await fetch(`${harness.gateway.url}/v1/models`, { headers: { [header]: harness.secret } });
      expect(response.status).toBe(200);
    }
  });

  it('NotFoundError for an unknown model, on chat, models.retrieve and streams', async () => {
    const error = await rejection(harness.client.chat.completions.create(hello('openai/no-such-model')));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).code).toBe('model_not_found');
    expect(await rejection(harness.client.models.retrieve('openai/no-such-model'))).toBeInstanceOf(NotFoundError);
    expect(await rejection(harness.client.chat.completions.create({ ...hello('nothing'), stream: true }))).toBeInstanceOf(NotFoundError);
  });

  it('the same NotFoundError for a model a restricted key may not use as for one that does not exist', async () => {
    const restricted = String((await harness.admin('KeysService/CreateKey', { name: 'anthropic only', allowedModels: ['anthropic/*'] }))['secret']);
    const client = harness.clientWith({ apiKey: restricted });
    const answers = [];
    for (const model of ['openai/plain-text', 'openai/no-such-model', 'nobody/plain-text']) {
      const error = await rejection(client.chat.completions.create(hello(model)));
      expect(error).toBeInstanceOf(NotFoundError);
      const { status, code, type, message } = error as NotFoundError;
      answers.push({ status, code, type, message: message.replace(model, 'M') });
    }
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(answers[0]).toMatchObject({ status: 404, code: 'model_not_found', type: 'invalid_request_error' });
    expect(answers[0]!.message).toContain('does not exist or you do not have access to it');
  });

  it('RateLimitError with retry-after from the upstream’s 429, unary and streamed', async () => {
    for (const stream of [false, true]) {
      const error = await rejection(harness.client.chat.completions.create({ ...hello('openai/error-429'), stream }));
      expect(error).toBeInstanceOf(RateLimitError);
      expect((error as RateLimitError).code).toBe('rate_limit_exceeded');
      expect((error as RateLimitError).headers.get('retry-after')).toBe('7');
    }
  });

  it('BadRequestError for the client’s own mistakes, naming the parameter', async () => {
    const upstream = await rejection(harness.client.chat.completions.create(hello('openai/error-400')));
    expect(upstream).toBeInstanceOf(BadRequestError);
    expect((upstream as BadRequestError).message).toContain('Invalid value for temperature');
    const local = await rejection(harness.client.chat.completions.create({ ...hello('openai/plain-text'), temperature: 7 }));
    expect(local).toBeInstanceOf(BadRequestError);
    expect((local as BadRequestError).param).toBe('temperature');
  });

  it('n > 1 on a family that cannot return several choices is a clear 400 on n', async () => {
    const error = await rejection(harness.client.chat.completions.create({ ...hello('anthropic/plain-text'), n: 2 }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).param).toBe('n');
    const streamed = await rejection(harness.client.chat.completions.create({ ...hello('anthropic/plain-text'), n: 2, stream: true }));
    expect((streamed as BadRequestError).param).toBe('n');
  });

  it('the upstream rejecting the gateway’s credentials is a 502, never a 401; upstream 500 → 503 (docs/errors.md)', async () => {
    const credentials = await rejection(harness.client.chat.completions.create(hello('openai/error-401')));
    expect(credentials).toBeInstanceOf(InternalServerError);
    expect((credentials as InternalServerError).status).toBe(502);
    expect(JSON.stringify(credentials)).not.toContain('sk-fixture');
    const server = await rejection(harness.client.chat.completions.create(hello('openai/error-500')));
    expect((server as InternalServerError).status).toBe(503);
    expect((server as InternalServerError).code).toBe('service_unavailable');
    expect((server as InternalServerError).headers?.get('x-should-retry')).toBe('true');
    expect((credentials as InternalServerError).headers?.get('x-should-retry')).toBe('false');
  });
});

interface Case {
  label: string;
  send: () => Promise<Response>;
  status: number;
  code: string | null;
  param: string | null;
  message?: RegExp;
}

describe('bad input table (raw HTTP)', () => {
  const chat = (body: string | object, headers?: Record<string, string>) => harness.post('/v1/chat/completions', body, headers);
  const cases: Case[] = [
    { label: 'malformed JSON', send: () => chat('{"model": "openai/plain-text", "messages": [}'), status: 400, code: 'invalid_json', param: null, message: /parse the JSON body/ },
    { label: 'empty body', send: () => chat(''), status: 400, code: 'invalid_json', param: null },
    { label: 'body is an array', send: () => chat([]), status: 400, code: 'invalid_type', param: 'body' },
    { label: 'missing messages', send: () => chat({ model: 'openai/plain-text' }), status: 400, code: 'missing_required_parameter', param: 'messages', message: /'messages'/ },
    { label: 'missing model', send: () => chat({ messages: [{ role: 'user', content: 'x' }] }), status: 400, code: 'missing_required_parameter', param: 'model' },
    { label: 'messages of the wrong type', send: () => chat({ model: 'openai/plain-text', messages: { role: 'user' } }), status: 400, code: 'invalid_type', param: 'messages' },
    { label: 'temperature of the wrong type', send: () => chat({ ...hello('openai/plain-text'), temperature: 'warm' }), status: 400, code: 'invalid_type', param: 'temperature', message: /expected a number, but got a string/ },
    {
      label: 'a bad image URL deep in the messages',
      send: () => chat({ model: 'openai/plain-text', messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] }] }),
      status: 400,
      code: 'invalid_value',
      param: 'messages[2].content[0].image_url.url',
    },
    { label: 'unknown model', send: () => chat(hello('openai/unknown')), status: 404, code: 'model_not_found', param: null },
    { label: 'over-large body', send: () => chat({ ...hello('openai/plain-text'), padding: 'x'.repeat(BODY_LIMIT + 1) }), status: 413, code: 'request_too_large', param: null, message: new RegExp(`${BODY_LIMIT} bytes`) },
    { label: 'invalid key', send: () => chat(hello('openai/plain-text'), { authorization: 'Bearer sk-gw-wrong' }), status: 401, code: 'invalid_api_key', param: null },
    {
      label: 'missing key (checked before the body is read)',
      send: () => fetch(`${harness.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' }),
      status: 401,
      code: 'missing_authorization',
      param: null,
    },
    { label: 'wrong content type', send: () => chat('model=x', { 'content-type': 'application/x-www-form-urlencoded' }), status: 415, code: 'unsupported_media_type', param: null },
    { label: 'embeddings without input', send: () => harness.post('/v1/embeddings', { model: 'openai/embedding-model' }), status: 400, code: 'missing_required_parameter', param: 'input' },
    { label: 'embeddings with a wrong dimensions type', send: () => harness.post('/v1/embeddings', { model: 'openai/embedding-model', input: 'x', dimensions: '3' }), status: 400, code: 'invalid_type', param: 'dimensions' },
  ];

  it.each(cases)('$label → $status $code', async ({ send, status, code, param, message }) => {
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    const body = (await response.json()) as { error: { message: string; type: string; param: string | null; code: string | null } };
    expect(Object.keys(body)).toEqual(['error']);
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(body.error.code).toBe(code);
    expect(body.error.param).toBe(param);
    expect(body.error.type).toBe(status === 401 || status < 500 ? 'invalid_request_error' : 'server_error');
    if (message) expect(body.error.message).toMatch(message);
  });

  it('never answers a 500 for client mistakes', async () => {
    const bodies = ['null', '"text"', '42', '{"model": 1, "messages": []}', '{"model":"m","messages":[null]}', '{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,@@@"}}]}]}'];
    for (const body of bodies) {
      const response = await chat(body);
      expect(response.status, body).toBe(400);
    }
  });

  it('a retry-after header on 429; OpenAI clients can rely on x-request-id on errors too', async () => {
    const response = await chat(hello('openai/error-429'), { 'x-request-id': 'trace-429' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('x-request-id')).toBe('trace-429');
  });

  it('a client built without retries sees exactly one upstream call per failing request', async () => {
    const client = new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: harness.secret, maxRetries: 0 });
    const before = harness.fixture('openai').received.length;
    await rejection(client.chat.completions.create(hello('openai/error-500')));
    expect(harness.fixture('openai').received.length - before).toBe(1);
  });
});

// The codes of the gateway apps moved from (README, "Moving in"), where OpenAI has none of its own; statuses
// and types stay the gateway's (docs/errors.md, "The OpenAI surface's own refusals").
describe('the refusals apps moved from the old gateway read by their code', () => {
  const body = JSON.stringify(hello('openai/plain-text'));
  const send = (path: string, headers: Record<string, string>) =>
    fetch(`${harness.gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('no key, or an Authorization without Bearer: 401 missing_authorization, on every OpenAI path', async () => {
    const variants: Array<Record<string, string>> = [
      {},
      { authorization: harness.secret }, // the key without its scheme
      { authorization: 'Basic Zm9vOmJhcg==', 'x-api-key': harness.secret }, // Authorization wins over x-api-key
    ];
    for (const headers of variants) {
      for (const path of ['/v1/chat/completions', '/v1/embeddings', '/v1/responses', '/chat/completions']) {
        const response = await send(path, headers);
        const answer = (await response.json()) as { error: { type: string; code: string; param: string | null } };
        expect([path, response.status, answer.error]).toMatchObject([path, 401, { type: 'invalid_request_error', code: 'missing_authorization', param: null }]);
      }
    }
    const listing = await fetch(`${harness.gateway.url}/v1/models`);
    expect([listing.status, ((await listing.json()) as { error: { code: string } }).error.code]).toEqual([401, 'missing_authorization']);
    // An unknown key is still OpenAI's invalid_api_key.
    const unknown = await rejection(harness.clientWith({ apiKey: 'vk_doesNotExist00000001' }).chat.completions.create(hello('openai/plain-text')));
    expect([(unknown as AuthenticationError).status, (unknown as AuthenticationError).code]).toEqual([401, 'invalid_api_key']);
  });

  it('a disabled key: 403 api_key_disabled (PermissionDeniedError); a revoked one keeps permission_denied', async () => {
    const disabled = String((await harness.admin('KeysService/CreateKey', { name: 'legacy disabled', enabled: false }))['secret']);
    const client = harness.clientWith({ apiKey: disabled });
    for (const call of [
      () => client.chat.completions.create(hello('openai/plain-text')),
      () => client.chat.completions.create({ ...hello('openai/plain-text'), stream: true }),
      () => client.models.list(),
    ]) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(PermissionDeniedError);
      const { status, code, type } = error as PermissionDeniedError;
      expect({ status, code, type }).toEqual({ status: 403, code: 'api_key_disabled', type: 'permission_error' });
    }
    const created = (await harness.admin('KeysService/CreateKey', { name: 'legacy revoked' })) as { secret: string; key: { id: string } };
    await harness.admin('KeysService/RevokeKey', { id: created.key.id });
    const revoked = await rejection(harness.clientWith({ apiKey: created.secret }).chat.completions.create(hello('openai/plain-text')));
    expect([(revoked as PermissionDeniedError).status, (revoked as PermissionDeniedError).code]).toEqual([403, 'permission_denied']);
  });

  it('a bare name several models answer to: 400 ambiguous_model_configuration on param model', async () => {
    // `plain-text` is served by the openai and the anthropic fixture providers alike.
    for (const stream of [false, true]) {
      const error = await rejection(harness.client.chat.completions.create({ ...hello('plain-text'), stream }));
      expect(error).toBeInstanceOf(BadRequestError);
      const { status, code, param, type } = error as BadRequestError;
      expect({ status, code, param, type }).toEqual({ status: 400, code: 'ambiguous_model_configuration', param: 'model', type: 'invalid_request_error' });
      expect((error as BadRequestError).message).toContain('openai/plain-text');
    }
    const embeddings = await rejection(harness.client.embeddings.create({ model: 'embedding-model', input: 'x' }));
    expect([(embeddings as BadRequestError).code, (embeddings as BadRequestError).param]).toEqual(['ambiguous_model_configuration', 'model']);
    const responses = await rejection(harness.client.responses.create({ model: 'plain-text', input: 'x' }));
    expect([(responses as BadRequestError).code, (responses as BadRequestError).param]).toEqual(['ambiguous_model_configuration', 'model']);
    // A name nothing answers to stays model_not_found.
    expect(((await rejection(harness.client.chat.completions.create(hello('no-such-model')))) as NotFoundError).code).toBe('model_not_found');
  });
});
