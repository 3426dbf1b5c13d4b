// SSE on the wire, read with plain fetch: exact framing, headers (CORS copied
// onto the hijacked response), chunks forwarded as they come, an error after
// the stream began, and a leaving client aborting the upstream call.
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShimHarness, waitFor, type ShimHarness } from './shim-harness.js';

const ORIGIN = 'https://app.example.test';
const SPACING_MS = 50;
let harness: ShimHarness;
let spaced: { server: http.Server; url: string };

/** A minimal OpenAI-compatible upstream that writes five chunks SPACING_MS apart. */
async function startSpacedUpstream(): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: object, finish: string | null = null) =>
        res.write(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'spaced', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
      chunk({ role: 'assistant', content: '' });
      for (const piece of ['one ', 'two ', 'three ', 'four ', 'five']) {
        await new Promise((resolve) => setTimeout(resolve, SPACING_MS));
        chunk({ content: piece });
      }
      chunk({}, 'stop');
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` };
}

beforeAll(async () => {
  harness = await startShimHarness(['openai'], { GATEWAY_CORS_ORIGINS: ORIGIN });
  spaced = await startSpacedUpstream();
  await harness.admin('ProvidersService/CreateProvider', {
    id: 'spaced',
    name: 'Spaced',
    type: 'PROVIDER_TYPE_OPENAI_COMPATIBLE',
    baseUrl: spaced.url,
    apiKey: 'none',
    models: [{ upstreamModel: 'spaced' }],
  });
});
afterAll(async () => {
  await harness?.close();
  spaced?.server.closeAllConnections();
  await new Promise((resolve) => spaced?.server.close(resolve));
});

const streamRequest = (model: string, extra: object = {}) => ({ model, messages: [{ role: 'user', content: 'Say hello' }], stream: true, ...extra });

/** Reads the body as it arrives: each read() result is one arrival batch. */
async function readBatches(response: Response): Promise<string[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const batches: string[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    batches.push(decoder.decode(value, { stream: true }));
  }
  return batches;
}

function events(text: string): string[] {
  expect(text.endsWith('\n\n')).toBe(true);
  return text.slice(0, -2).split('\n\n');
}

describe('SSE framing on the raw bytes', () => {
  it('is `data: {json}\\n\\n` per chunk and ends with `data: [DONE]\\n\\n`, with SSE and CORS headers', async () => {
    const response = await harness.post('/v1/chat/completions', streamRequest('openai/plain-text', { stream_options: { include_usage: true } }), {
      origin: ORIGIN,
      'x-request-id': 'sse-1',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-request-id')).toBe('sse-1');
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const all = events(await response.text());
    expect(all.at(-1)).toBe('data: [DONE]');
    const chunks = all.slice(0, -1).map((event) => {
      expect(event.startsWith('data: ')).toBe(true);
      expect(event.includes('\n')).toBe(false);
      return JSON.parse(event.slice('data: '.length)) as { object: string; choices: Array<{ delta: object; finish_reason: string | null }>; usage: unknown };
    });
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 4 });
  });

  it('answers a CORS preflight without asking for a key', async () => {
    const response = await fetch(`${harness.gateway.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });

  it('forwards each upstream chunk as it comes: spaced chunks arrive in separate batches, in order', async () => {
    const response = await harness.post('/v1/chat/completions', streamRequest('spaced/spaced'));
    expect(response.status).toBe(200);
    const batches = await readBatches(response);
    const contentBatches = batches.filter((batch) => /"content":"(one|two|three|four|five)/.test(batch));
    // Five pieces 50 ms apart: held back, they would arrive in one or two batches.
    expect(contentBatches.length).toBeGreaterThanOrEqual(4);
    const text = batches.join('');
    const order = ['one ', 'two ', 'three ', 'four ', 'five'].map((piece) => text.indexOf(`"content":"${piece}"`));
    expect(order.every((position, index) => position > 0 && (index === 0 || position > order[index - 1]!))).toBe(true);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('an upstream failure after the stream began is a final `data: {"error": …}` event, without [DONE]', async () => {
    const response = await harness.post('/v1/chat/completions', streamRequest('openai/broken-stream'));
    expect(response.status).toBe(200);
    const all = events(await response.text());
    expect(all.join('\n')).toContain('"content":"partial "');
    expect(all.at(-1)).not.toBe('data: [DONE]');
    const last = JSON.parse(all.at(-1)!.slice('data: '.length)) as { error: { type: string; code: string; message: string; param: null } };
    expect(Object.keys(last)).toEqual(['error']);
    expect(last.error).toMatchObject({ type: 'server_error', code: 'service_unavailable', param: null });
  });

  it('the official client surfaces that error event as an APIError', async () => {
    const stream = await harness.client.chat.completions.create({ model: 'openai/broken-stream', messages: [{ role: 'user', content: 'x' }], stream: true });
    const texts: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) texts.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    ).rejects.toThrow(/ended the stream before the answer was complete/);
    expect(texts.join('')).toContain('partial');
  });
});

describe('client disconnect', () => {
  it('aborts the upstream call when the client drops the connection mid-stream', async () => {
    const fixture = harness.fixture('openai');
    const before = fixture.abortedStreams();
    // The upstream holds its stream open (30 s): the first chunk arriving at all proves nothing
    // waits for the end. Then the client drops its TCP connection.
    const received = await new Promise<string>((resolve, reject) => {
      const request = http.request(
        `${harness.gateway.url}/v1/chat/completions`,
        { method: 'POST', agent: false, headers: { 'content-type': 'application/json', authorization: `Bearer ${harness.secret}` } },
        (response) => {
          let text = '';
          response.on('data', (data: Buffer) => {
            text += data.toString('utf8');
            if (text.includes('"content":"Hello"')) {
              request.destroy();
              resolve(text);
            }
          });
        },
      );
      request.on('error', reject);
      request.end(JSON.stringify(streamRequest('openai/slow-stream')));
    });
    expect(received.startsWith('data: ')).toBe(true);
    await waitFor(() => fixture.abortedStreams() > before, 'the upstream to see the disconnect');
  });

  it('aborts through the official client’s AbortController too', async () => {
    const fixture = harness.fixture('openai');
    const before = fixture.abortedStreams();
    const controller = new AbortController();
    const stream = await harness.client.chat.completions.create(
      { model: 'openai/slow-stream', messages: [{ role: 'user', content: 'x' }], stream: true },
      { signal: controller.signal },
    );
    const seen: string[] = [];
    // The client ends its iteration quietly on its own abort.
    for await (const chunk of stream) {
      seen.push(chunk.choices[0]?.delta.content ?? '');
      if (chunk.choices[0]?.delta.content) controller.abort();
    }
    expect(seen).toContain('Hello');
    await waitFor(() => fixture.abortedStreams() > before, 'the upstream to see the disconnect');
  });

  it('over h2c (prior knowledge) too: the stream arrives whole, and a reset stream aborts the upstream', async () => {
    const fixture = harness.fixture('openai');
    const session = http2.connect(harness.gateway.url);
    const headers = { ':method': 'POST', ':path': '/v1/chat/completions', 'content-type': 'application/json', authorization: `Bearer ${harness.secret}` };
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
        stream.end(JSON.stringify(streamRequest('openai/plain-text')));
      });
      expect(whole.status).toBe(200);
      expect(whole.body.startsWith('data: {')).toBe(true);
      expect(whole.body.endsWith('data: [DONE]\n\n')).toBe(true);

      const before = fixture.abortedStreams();
      await new Promise<void>((resolve, reject) => {
        const stream = session.request(headers);
        stream.setEncoding('utf8');
        stream.on('data', (data: string) => {
          if (data.includes('"content":"Hello"')) {
            stream.close(http2.constants.NGHTTP2_CANCEL);
            resolve();
          }
        });
        stream.on('error', reject);
        stream.end(JSON.stringify(streamRequest('openai/slow-stream')));
      });
      await waitFor(() => fixture.abortedStreams() > before, 'the upstream to see the reset stream');
    } finally {
      session.close();
    }
  });
});
