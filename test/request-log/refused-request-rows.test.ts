// A request refused before it became a governed call — its body did not parse or validate, it was
// over the body limit, what it referred to does not exist — still gets its request-log row once its
// key was known: on every REST shim, through the intake before Fastify and through Fastify's routes,
// and on the RPC. One row, never two (a failure the pipeline saw is logged by the pipeline only);
// none for a request without a valid key, nor for a token count.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Code, ConnectError } from '@connectrpc/connect';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';

interface LoggedRow {
  requestId: string;
  requestedModel?: string;
  surface: string;
  operation: string;
  stream?: boolean;
  status: string;
  errorKind?: string;
  errorMessage?: string;
  attempts?: number;
}

const BODY_LIMIT = 4096;
let harness: RoutingHarness;

beforeAll(async () => {
  // At info, JSON chat and messages requests over HTTP/1.1 are served by the intake before Fastify;
  // a query string sends one to Fastify's route instead (http/shim-intake.ts).
  harness = await startRoutingHarness({ GATEWAY_LOG_LEVEL: 'info', GATEWAY_BODY_LIMIT_BYTES: String(BODY_LIMIT) });
});
afterAll(() => harness?.close());

/** Every row written for this x-request-id, once the writer has flushed. */
async function rowsOf(requestId: string): Promise<LoggedRow[]> {
  await harness.gateway.gateway.requestLog.flush();
  const listed = (await harness.admin('UsageService/ListRequests', { pageSize: 200 })) as { requests?: LoggedRow[] };
  return (listed.requests ?? []).filter((row) => row.requestId === requestId);
}

async function onlyRowOf(requestId: string): Promise<LoggedRow> {
  const rows = await rowsOf(requestId);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

const withId = () => {
  const requestId = `refused-${randomUUID()}`;
  return { requestId, headers: { 'x-request-id': requestId } };
};

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${harness.gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${harness.secret}`, ...headers },
    body,
  });
}

describe('a request refused before the pipeline is in the request log', () => {
  it('OpenAI SDK, a temperature out of range: the 400 the client saw, with the model it named', async () => {
    const { requestId, headers } = withId();
    const failure = await harness.openai.chat.completions
      .create({ model: 'fault/ok-c', temperature: 5, messages: [{ role: 'user', content: 'Hi' }] }, { headers })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    const row = await onlyRowOf(requestId);
    expect(row).toMatchObject({ surface: 'openai', operation: 'chat', requestedModel: 'fault/ok-c', status: 'REQUEST_STATUS_ERROR', errorKind: 'invalid_argument' });
    expect(row.errorMessage).toMatch(/temperature/);
    expect(harness.upstream.calls('ok-c')).toBe(0);
  });

  it.each([
    ['the intake', '/v1/chat/completions'],
    ["Fastify's route", '/v1/chat/completions?via=fastify'],
  ])('JSON that does not parse, through %s: invalid_argument, no model', async (_path, path) => {
    const { requestId, headers } = withId();
    const answer = await post(path, '{"model": "fault/ok-c", ', headers);
    expect(answer.status).toBe(400);
    const row = await onlyRowOf(requestId);
    expect(row).toMatchObject({ surface: 'openai', operation: 'chat', status: 'REQUEST_STATUS_ERROR', errorKind: 'invalid_argument', errorMessage: 'the request body is not valid JSON' });
    expect(row.requestedModel ?? '').toBe('');
  });

  it('a body over the limit: 413, logged as payload_too_large', async () => {
    const { requestId, headers } = withId();
    const answer = await post('/v1/chat/completions', JSON.stringify({ model: 'fault/ok-c', messages: [{ role: 'user', content: 'x'.repeat(BODY_LIMIT) }] }), headers);
    expect(answer.status).toBe(413);
    expect(await onlyRowOf(requestId)).toMatchObject({ status: 'REQUEST_STATUS_ERROR', errorKind: 'payload_too_large' });
  });

  it('embeddings with no input: an embeddings row', async () => {
    const { requestId, headers } = withId();
    const failure = await harness.openai.embeddings.create({ model: 'fault/ok-c', input: [] }, { headers }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect(await onlyRowOf(requestId)).toMatchObject({ surface: 'openai', operation: 'embeddings', requestedModel: 'fault/ok-c', errorKind: 'invalid_argument' });
  });

  it('Responses, continuing a response that does not exist: the refusal is logged', async () => {
    const { requestId, headers } = withId();
    const failure = await harness.openai.responses
      .create({ model: 'fault/ok-c', input: 'Hi', previous_response_id: 'resp_does_not_exist' }, { headers })
      .catch((error: unknown) => error);
    // OpenAI answers 400 previous_response_not_found.
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    const row = await onlyRowOf(requestId);
    expect(row).toMatchObject({ surface: 'responses', operation: 'chat', requestedModel: 'fault/ok-c', status: 'REQUEST_STATUS_ERROR' });
    expect(row.errorMessage).toMatch(/resp_does_not_exist/);
  });

  it.each([['the intake', {}], ["Fastify's route", { query: { via: 'fastify' } }]])(
    'Anthropic SDK, a streamed request with max_tokens below 1, through %s: a stream row',
    async (_path, options) => {
      const { requestId, headers } = withId();
      const anthropic = new Anthropic({ baseURL: harness.gateway.url, apiKey: harness.secret, maxRetries: 0 });
      const failure = await anthropic.messages
        .create({ model: 'fault/ok-c', max_tokens: 0, stream: true, messages: [{ role: 'user', content: 'Hi' }] }, { headers, ...options })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Anthropic.BadRequestError);
      expect(await onlyRowOf(requestId)).toMatchObject({ surface: 'anthropic', operation: 'chat', requestedModel: 'fault/ok-c', stream: true, errorKind: 'invalid_argument' });
    },
  );

  it('@google/genai, a streamed generation with a temperature out of range: the model from the path', async () => {
    const { requestId, headers } = withId();
    const gemini = new GoogleGenAI({ apiKey: harness.secret, apiVersion: 'v1beta', httpOptions: { baseUrl: harness.gateway.url, headers, retryOptions: { attempts: 1 } } });
    const failure = await gemini.models.generateContentStream({ model: 'fault/ok-c', contents: 'Hi', config: { temperature: 3 } }).catch((error: unknown) => error);
    expect((failure as { status?: number }).status).toBe(400);
    expect(await onlyRowOf(requestId)).toMatchObject({ surface: 'gemini', operation: 'chat', requestedModel: 'fault/ok-c', stream: true, errorKind: 'invalid_argument' });
  });

  it('the RPC, a call without its chat: unary and stream', async () => {
    for (const stream of [false, true]) {
      const { requestId, headers } = withId();
      const call = stream
        ? (async () => {
            for await (const _message of harness.rpc.streamComplete({}, { headers })) void _message;
          })()
        : harness.rpc.complete({}, { headers });
      const failure = await call.catch((error: unknown) => error);
      expect(ConnectError.from(failure).code).toBe(Code.InvalidArgument);
      const row = await onlyRowOf(requestId);
      expect(row).toMatchObject({ surface: 'rpc', operation: 'chat', errorKind: 'invalid_argument', errorMessage: 'chat: is required' });
      // proto3 JSON leaves a false `stream` out.
      expect(row.stream ?? false).toBe(stream);
    }
  });
});

describe('and only once, and only with a key', () => {
  it('a 400 the pipeline finds (tool_choice naming no tool) has one row, not two', async () => {
    const { requestId, headers } = withId();
    const failure = await harness.openai.chat.completions
      .create(
        {
          model: 'fault/ok-c',
          messages: [{ role: 'user', content: 'Hi' }],
          tools: [{ type: 'function', function: { name: 'present' } }],
          tool_choice: { type: 'function', function: { name: 'absent' } },
        },
        { headers },
      )
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect(await onlyRowOf(requestId)).toMatchObject({ errorKind: 'invalid_argument' });
  });

  it('an upstream failure after the answer began is one row too', async () => {
    const { requestId, headers } = withId();
    const failure = await harness.openai.chat.completions.create({ model: 'fault/down-a', messages: [{ role: 'user', content: 'Hi' }] }, { headers }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(await onlyRowOf(requestId)).toMatchObject({ errorKind: 'unavailable' });
  });

  it('a malformed request with a wrong key, and a refused token count, make no row', async () => {
    const wrongKey = withId();
    expect((await post('/v1/chat/completions', '{"model": ', { ...wrongKey.headers, authorization: 'Bearer sk-gw-not-a-key' })).status).toBe(401);
    const count = withId();
    expect((await post('/v1/messages/count_tokens', '{"model": "fault/ok-c"}', count.headers)).status).toBe(400);
    expect(await rowsOf(wrongKey.requestId)).toEqual([]);
    expect(await rowsOf(count.requestId)).toEqual([]);
  });
});
