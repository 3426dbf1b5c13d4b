// A structured-outputs refusal (OpenAI answers `content: null` and `refusal: "…"`, or streams
// `delta.refusal`) reaches each client as a refusal, not as the answer's content: a client that
// parses `content` as the JSON it asked for must see that the model declined
// (https://platform.openai.com/docs/guides/structured-outputs#refusals). Sent back on the next
// turn, it reaches OpenAI as the assistant's `refusal` again.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShimHarness, type ShimHarness } from './shim-harness.js';

const REFUSAL = "I'm sorry, I can't help with that.";
const PIECES = ["I'm sorry, ", "I can't help ", 'with that.'];
const MODEL = 'refuser/gpt-structured';
const SCHEMA_FORMAT = {
  type: 'json_schema' as const,
  json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { value: { type: 'string' } }, required: ['value'], additionalProperties: false } },
};

let harness: ShimHarness;
let upstream: { server: http.Server; url: string; bodies: Array<Record<string, unknown>> };

/** An upstream that declines every request as OpenAI does with structured outputs. */
async function startRefusingUpstream(): Promise<typeof upstream> {
  const bodies: Array<Record<string, unknown>> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      bodies.push(body);
      const usage = { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 };
      const base = { id: 'chatcmpl-refusal', created: 1700000000, model: 'gpt-structured' };
      if (body['stream'] !== true) {
        res.writeHead(200, { 'content-type': 'application/json' });
        const message = { role: 'assistant', content: null, refusal: REFUSAL, annotations: [] };
        res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message, logprobs: null, finish_reason: 'stop' }], usage }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: object, finish: string | null = null) =>
        res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`);
      chunk({ role: 'assistant', content: null, refusal: '' });
      for (const piece of PIECES) chunk({ refusal: piece });
      chunk({}, 'stop');
      res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, bodies };
}

beforeAll(async () => {
  harness = await startShimHarness([]);
  upstream = await startRefusingUpstream();
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'refuser',
    name: 'Refusing OpenAI',
    type: 'PROVIDER_TYPE_OPENAI',
    baseUrl: upstream.url,
    apiKey: 'sk-refuser-fixture-0000',
    models: [{ upstreamModel: 'gpt-structured' }],
  });
});
afterAll(async () => {
  await harness?.close();
  upstream?.server.closeAllConnections();
  await new Promise((resolve) => upstream?.server.close(resolve));
});

const lastUpstreamMessages = () => upstream.bodies.at(-1)!['messages'] as Array<Record<string, unknown>>;

describe('Chat Completions', () => {
  it('answers the refusal as message.refusal with no content, finishing as OpenAI did', async () => {
    const completion = await harness.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }], response_format: SCHEMA_FORMAT });
    const choice = completion.choices[0]!;
    expect(choice.message.refusal).toBe(REFUSAL);
    expect(choice.message.content).toBeNull();
    expect(choice.finish_reason).toBe('stop');
  });

  it('streams it as delta.refusal, never as delta.content', async () => {
    const stream = await harness.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }], response_format: SCHEMA_FORMAT, stream: true });
    let refusal = '';
    let content = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      refusal += choice?.delta.refusal ?? '';
      content += choice?.delta.content ?? '';
      finish = choice?.finish_reason ?? finish;
    }
    expect(refusal).toBe(REFUSAL);
    expect(content).toBe('');
    expect(finish).toBe('stop');
  });

  it('sends an earlier refusal back to OpenAI as the assistant turn\'s refusal', async () => {
    await harness.client.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: null, refusal: REFUSAL },
        { role: 'user', content: 'then y' },
      ],
    });
    expect(lastUpstreamMessages()[1]).toEqual({ role: 'assistant', content: null, refusal: REFUSAL });
  });
});

describe('Responses API', () => {
  it('answers the refusal as a refusal content part of a completed response', async () => {
    const response = await harness.client.responses.create({ model: MODEL, input: 'x' });
    expect(response.status).toBe('completed');
    expect(response.output).toMatchObject([{ type: 'message', content: [{ type: 'refusal', refusal: REFUSAL }] }]);
    expect(response.output_text).toBe('');
  });

  it('streams it as response.refusal.delta … response.refusal.done in a refusal part', async () => {
    const stream = await harness.client.responses.create({ model: MODEL, input: 'x', stream: true });
    const events: Array<{ type: string } & Record<string, unknown>> = [];
    for await (const event of stream) events.push(event as unknown as (typeof events)[number]);
    const types = events.map((event) => event.type);
    expect(types).not.toContain('response.output_text.delta');
    expect(events.find((event) => event.type === 'response.content_part.added')?.['part']).toEqual({ type: 'refusal', refusal: '' });
    expect(events.filter((event) => event.type === 'response.refusal.delta').map((event) => event['delta'])).toEqual(PIECES);
    expect(events.find((event) => event.type === 'response.refusal.done')?.['refusal']).toBe(REFUSAL);
    expect(types.indexOf('response.refusal.done')).toBeLessThan(types.indexOf('response.content_part.done'));
    const completed = events.at(-1)!;
    expect(completed.type).toBe('response.completed');
    expect(completed['response']).toMatchObject({ status: 'completed', output: [{ content: [{ type: 'refusal', refusal: REFUSAL }] }] });
  });

  it('sends a stored refusal back as the assistant turn\'s refusal when the next turn continues it', async () => {
    const first = await harness.client.responses.create({ model: MODEL, input: 'x' });
    await harness.client.responses.create({ model: MODEL, input: 'then y', previous_response_id: first.id });
    expect(lastUpstreamMessages()[1]).toEqual({ role: 'assistant', content: null, refusal: REFUSAL });
  });
});

describe('CompletionService (Connect JSON)', () => {
  it('marks the text part as the refusal', async () => {
    const response = await harness.post('/llmgateway.v1.CompletionService/Complete', { chat: { model: MODEL, messages: [{ role: 'ROLE_USER', content: [{ text: { text: 'x' } }] }] } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { response: { choices: Array<{ message: { content: unknown[] } }> } };
    expect(body.response.choices[0]!.message.content).toEqual([{ text: { text: REFUSAL, refusal: true } }]);
  });
});
