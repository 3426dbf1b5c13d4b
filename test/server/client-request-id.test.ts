// A client's x-request-id is echoed (answer headers, log lines, the request-log row) only when it looks like
// an id: at most 200 visible ASCII characters. Anything else — 5,000 characters, a tab, a byte beyond ASCII —
// is replaced by a fresh id, and one log line says so without the value. Over fetch, the openai SDK and
// connect-node, on each side that serves requests: the chat intake before Fastify, a Fastify route, the RPC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { keyClients } from '../helpers/key-clients.js';
import { startShimHarness, type ShimHarness } from '../http/shim-harness.js';

let harness: ShimHarness;

beforeAll(async () => {
  harness = await startShimHarness(['openai']);
});
afterAll(async () => harness?.close());

const GENERATED = /^req_[0-9a-f]{10}_[0-9a-z]+$/;
const tooLong = 'x'.repeat(5_000);
const messages = [{ role: 'user' as const, content: 'Say hello' }];
const chat = { model: 'openai/plain-text', messages };

/** The log lines that say a client's id was replaced, for the fresh id. */
const replacementLines = (id: string) =>
  harness.gateway.logLines.filter((line) => line.includes(id) && line.includes('x-request-id')).map((line) => JSON.parse(line) as Record<string, unknown>);

async function expectReplaced(sent: string, answered: string | null, reason: RegExp): Promise<void> {
  expect(answered).toMatch(GENERATED);
  const [line, ...others] = replacementLines(answered!);
  expect(others).toEqual([]);
  expect(line).toMatchObject({ requestId: answered, clientRequestIdLength: sent.length });
  expect(String(line?.['msg'])).toMatch(reason);
  // The value itself is never written.
  for (const logged of harness.gateway.logLines) expect(logged).not.toContain(sent.length > 20 ? sent.slice(0, 200) : sent);
}

describe('x-request-id', () => {
  it('an id of up to 200 visible ASCII characters is echoed', async () => {
    for (const id of ['client-req-7', `${'a'.repeat(150)}:/+=.~!${'z'.repeat(43)}`]) {
      const answer = await harness.post('/v1/chat/completions', chat, { 'x-request-id': id });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-request-id')).toBe(id);
    }
  });

  it('5,000 characters: a fresh id on the answer and in the request log, one log line without the value', async () => {
    const answer = await harness.post('/v1/chat/completions', chat, { 'x-request-id': tooLong });
    expect(answer.status).toBe(200);
    const id = answer.headers.get('x-request-id');
    await expectReplaced(tooLong, id, /longer than 200/);
    await harness.gateway.gateway.requestLog.flush();
    const rows = ((await harness.admin('UsageService/ListRequests', { pageSize: 200 })) as { requests?: Array<{ requestId: string }> }).requests ?? [];
    expect(rows.map((row) => row.requestId)).toContain(id);
    expect(rows.some((row) => row.requestId.length > 200)).toBe(false);
  });

  it('a control character or a byte beyond ASCII: a fresh id', async () => {
    for (const sent of ['abc\tdef', 'caf\u00e9-42']) {
      const answer = await harness.post('/v1/chat/completions', chat, { 'x-request-id': sent });
      expect(answer.status).toBe(200);
      await expectReplaced(sent, answer.headers.get('x-request-id'), /visible ASCII/);
    }
  });

  it('on a route Fastify serves (the models list) as on the chat intake', async () => {
    const answer = await fetch(`${harness.gateway.url}/v1/models`, { headers: { authorization: `Bearer ${harness.secret}`, 'x-request-id': tooLong } });
    expect(answer.status).toBe(200);
    await expectReplaced(tooLong, answer.headers.get('x-request-id'), /longer than 200/);
  });

  it('the openai SDK reads the fresh id as the request id', async () => {
    const completion = await harness.client.chat.completions.create(chat, { headers: { 'x-request-id': tooLong } });
    expect(completion._request_id).toMatch(GENERATED);
    const { response } = await harness.client.chat.completions.create(chat, { headers: { 'x-request-id': 'sdk-id-1' } }).withResponse();
    expect(response.headers.get('x-request-id')).toBe('sdk-id-1');
  });

  it('an RPC (connect-node) gets a fresh id too', async () => {
    let answered: string | null = null;
    const request = { chat: { model: 'openai/plain-text', messages: [{ role: Role.USER, content: [{ kind: { case: 'text' as const, value: { text: 'Say hello' } } }] }] } };
    await keyClients(harness.gateway.url, harness.secret).rpc.complete(request, {
      headers: { 'x-request-id': tooLong },
      onHeader: (headers) => (answered = headers.get('x-request-id')),
    });
    await expectReplaced(tooLong, answered, /longer than 200/);
  });
});
