// POST /v1/messages served before Fastify (src/http/shim-intake.ts, anthropic/messages-intake.ts), on a
// real gateway at the production log level: which requests the intake takes (Fastify's diagnostics
// channel tells which ones a Fastify route handled), and its answers side by side with Fastify's
// route's (the same request to /v1/messages and to /v1/messages?via=fastify), successes and every
// kind of failure — with Anthropic's `request-id` header and `request_id` in error bodies, and a
// failing message named as the client sent it after a system prompt.
import { describe, expect, it } from 'vitest';
import { comparable, fastifyHandled, intakeHarness, send as sendTo, sideBySide } from './intake-side-by-side.js';

const BODY_LIMIT = 16 * 1024;
const harness = intakeHarness('anthropic', BODY_LIMIT);

const message = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'anthropic/plain-text', max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }], ...fields });
const withKey = (headers: Record<string, string>) => ({ 'x-api-key': harness().secret, 'anthropic-version': '2023-06-01', 'content-type': 'application/json', ...headers });

describe('which requests the intake takes', () => {
  it('takes a JSON message on /v1/messages and leaves count_tokens and a query string to Fastify', async () => {
    const cases: Array<{ path: string; body: string; fastify: boolean }> = [
      { path: '/v1/messages', body: message(), fastify: false },
      { path: '/v1/messages?via=fastify', body: message(), fastify: true },
      { path: '/v1/messages/count_tokens', body: JSON.stringify({ model: 'anthropic/plain-text', messages: [{ role: 'user', content: 'Hello' }] }), fastify: true },
    ];
    for (const { path, body, fastify } of cases) {
      const before = fastifyHandled.length;
      const answer = await sendTo(`${harness().gateway.url}${path}`, body, withKey({}));
      expect(answer.status, path).toBe(200);
      expect(fastifyHandled.length - before, path).toBe(fastify ? 1 : 0);
    }
  });

  it('answers with request-id (the client’s x-request-id when sent), in error bodies too', async () => {
    const served = await sendTo(`${harness().gateway.url}/v1/messages`, message(), withKey({ 'x-request-id': 'intake-anthropic-1' }));
    expect(served.headers['request-id']).toBe('intake-anthropic-1');
    expect(served.headers['x-request-id']).toBe('intake-anthropic-1');
    const refused = await sendTo(`${harness().gateway.url}/v1/messages`, message({ model: 'anthropic/unknown' }), withKey({ 'x-request-id': 'intake-anthropic-2' }));
    expect(refused.status).toBe(404);
    expect(JSON.parse(refused.body)).toMatchObject({ type: 'error', request_id: 'intake-anthropic-2' });
  });
});

describe('answers as Fastify’s route answers', () => {
  const cases: Array<{ label: string; body: string | Buffer; headers?: Record<string, string>; status: number }> = [
    { label: 'a message', body: message(), status: 200 },
    { label: 'a stream', body: message({ stream: true }), status: 200 },
    { label: 'a message with a system prompt and a stop sequence', body: message({ system: 'Be brief.', stop_sequences: ['END'] }), status: 200 },
    { label: 'a bad message after a system prompt (its index as sent)', body: message({ system: 'Be brief.', messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 5 }] }), status: 400 },
    { label: 'a missing max_tokens', body: JSON.stringify({ model: 'anthropic/plain-text', messages: [{ role: 'user', content: 'Hello' }] }), status: 400 },
    { label: 'malformed JSON', body: '{"model": "anthropic/plain-text", "messages": [}', status: 400 },
    { label: 'an empty body', body: '', status: 400 },
    { label: 'a __proto__ key', body: '{"model":"anthropic/plain-text","max_tokens":8,"messages":[],"__proto__":{"x":1}}', status: 400 },
    { label: 'a body over the limit', body: message({ metadata: { padding: 'x'.repeat(BODY_LIMIT) } }), status: 413 },
    { label: 'an unknown model', body: message({ model: 'anthropic/unknown' }), status: 404 },
    { label: 'an invalid key', body: message(), headers: { 'x-api-key': 'sk-gw-wrong' }, status: 401 },
    { label: 'the upstream’s 429', body: message({ model: 'anthropic/error-429' }), status: 429 },
    { label: 'a stream refused before it opens', body: message({ model: 'anthropic/unknown', stream: true }), status: 404 },
  ];

  it.each(cases)('$label', async ({ body, headers, status }) => {
    const { intake, fastify, fastifyHandlers } = await sideBySide(harness().gateway.url, '/v1/messages', body, withKey(headers ?? {}));
    expect(fastifyHandlers.every((url) => url.includes('via=fastify'))).toBe(true);
    expect(comparable(intake)).toEqual(comparable(fastify));
    expect(intake.status).toBe(status);
    expect(intake.headers['request-id']).toBe(intake.headers['x-request-id']);
  });
});
