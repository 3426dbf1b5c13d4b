// Upstream connections are reused: sequential calls through the provider
// clients (the official SDKs on the gateway's node:http fetch) — streamed ones
// included, which the SDKs stop reading at their end marker — go over one
// socket, and a reused socket the upstream had already closed is retried once
// on a fresh one, but only for an idempotent request (a GET) and only when no
// byte of an answer had arrived: a POST may have reached the upstream, so it
// fails for the dispatcher to retry and count, or not (README: "Routes: one name, several targets, failover").
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAnthropicClient } from '../../../src/providers/anthropic/anthropic-client.js';
import { createOpenAIClient } from '../../../src/providers/openai/openai-client.js';
import { agentFor } from '../../../src/providers/shared/upstream-agents.js';
import { closeUpstreamAgents, createUpstreamFetch } from '../../../src/providers/shared/upstream-fetch.js';

const OPENAI_CHUNKS = ['Hel', 'lo', '!'].map((text) => JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] }));
const ANTHROPIC_EVENTS: Array<[string, unknown]> = [
  ['message_start', { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, usage: { input_tokens: 3, output_tokens: 0 } } }],
  ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
  ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } }],
  ['content_block_stop', { type: 'content_block_stop', index: 0 }],
  ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 1 } }],
  ['message_stop', { type: 'message_stop' }],
];

describe('upstream keep-alive', () => {
  let server: http.Server;
  let base = '';
  const sockets = new Set<Socket>();
  let connections = 0;
  /** Requests each socket served, in order of arrival. */
  const requestsPerSocket = new Map<Socket, number>();
  /** When set, the next request's socket is destroyed before any answer byte. */
  let resetNext = 0;
  let requests = 0;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        requests += 1;
        requestsPerSocket.set(request.socket, (requestsPerSocket.get(request.socket) ?? 0) + 1);
        if (resetNext > 0) {
          resetNext -= 1;
          request.socket.destroy();
          return;
        }
        if (request.url === '/v1/chat/completions') {
          response.writeHead(200, { 'content-type': 'text/event-stream' });
          // One write per event, the end marker and the body's end in separate writes, as upstreams send them.
          for (const chunk of OPENAI_CHUNKS) response.write(`data: ${chunk}\n\n`);
          response.write('data: [DONE]\n\n');
          setImmediate(() => response.end());
        } else if (request.url === '/v1/messages') {
          response.writeHead(200, { 'content-type': 'text/event-stream' });
          for (const [event, data] of ANTHROPIC_EVENTS) response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
          setImmediate(() => response.end());
        } else if (request.url === '/json') {
          response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        } else if (request.url?.startsWith('/hint-')) {
          // The upstream announces how long it keeps an idle connection.
          response.writeHead(200, { 'content-type': 'application/json', 'keep-alive': `timeout=${request.url.slice(6)}` }).end('{"ok":true}');
        } else if (request.url === '/half') {
          // Headers and part of a body, then the connection is cut: not retried.
          response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
          response.write('{"partial":');
          setTimeout(() => request.socket.destroy(), 20);
        } else response.writeHead(404).end('{}');
      });
    });
    server.on('connection', (socket) => {
      connections += 1;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    // Every test starts with an empty pool and fresh counts.
    await closeUpstreamAgents();
    for (const socket of sockets) socket.destroy();
    connections = 0;
    requests = 0;
    resetNext = 0;
    requestsPerSocket.clear();
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const connection = (type: 'openai-compatible' | 'anthropic') => ({ id: `p-${type}`, type, baseUrl: type === 'anthropic' ? base : `${base}/v1`, apiKey: 'sk-test-not-real', extraHeaders: {}, azureApiVersion: '' });

  it('sequential OpenAI streams, each read to its [DONE], reuse one socket', async () => {
    const client = createOpenAIClient(connection('openai-compatible'));
    for (let call = 0; call < 5; call += 1) {
      const stream = await client.streamChatCompletion({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, new AbortController().signal);
      let text = '';
      for await (const chunk of stream) text += chunk.choices?.[0]?.delta?.content ?? '';
      expect(text).toBe('Hello!');
    }
    expect(requests).toBe(5);
    expect(connections).toBe(1);
  });

  it('sequential Anthropic streams reuse one socket', async () => {
    const client = createAnthropicClient(connection('anthropic'));
    for (let call = 0; call < 4; call += 1) {
      const stream = await client.streamMessage({ model: 'm', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] } as never, new AbortController().signal);
      const types: string[] = [];
      for await (const event of stream as AsyncIterable<{ type: string }>) types.push(event.type);
      expect(types.at(-1)).toBe('message_stop');
    }
    expect(requests).toBe(4);
    expect(connections).toBe(1);
  });

  it('a stream the caller aborts midway closes its socket instead of pooling it', async () => {
    const upstreamFetch = createUpstreamFetch({ body: 'node', timeouts: 'default' });
    const controller = new AbortController();
    const response = await upstreamFetch(`${base}/half`, { signal: controller.signal });
    const reading = response.text();
    controller.abort();
    await expect(reading).rejects.toBeDefined();
    expect(await (await upstreamFetch(`${base}/json`)).json()).toEqual({ ok: true });
    expect(connections).toBe(2);
  });

  it('retries a GET once on a fresh socket when a reused one is reset before any answer byte', async () => {
    const upstreamFetch = createUpstreamFetch({ body: 'node', timeouts: 'default' });
    expect(await (await upstreamFetch(`${base}/json`)).json()).toEqual({ ok: true });
    resetNext = 1;
    // The pooled socket is closed by the upstream on this request: answered through a new one.
    expect(await (await upstreamFetch(`${base}/json`)).json()).toEqual({ ok: true });
    expect(requests).toBe(3);
    expect(connections).toBe(2);
  });

  it('never sends a POST again on its own: the upstream may have read it before the reset', async () => {
    const upstreamFetch = createUpstreamFetch({ body: 'node', timeouts: 'default' });
    expect(await (await upstreamFetch(`${base}/json`, { method: 'POST', body: '{}' })).json()).toEqual({ ok: true });
    resetNext = 1;
    await expect(upstreamFetch(`${base}/json`, { method: 'POST', body: '{}' })).rejects.toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNRESET' } });
    // The upstream read the request once, and only once.
    expect(requests).toBe(2);
  });

  it('does not retry a fresh socket that fails, nor twice', async () => {
    const upstreamFetch = createUpstreamFetch({ body: 'node', timeouts: 'default' });
    resetNext = 1;
    await expect(upstreamFetch(`${base}/json`, { method: 'POST', body: '{}' })).rejects.toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNRESET' } });
    expect(requests).toBe(1);
    expect(await (await upstreamFetch(`${base}/json`)).json()).toEqual({ ok: true });
    resetNext = 2;
    await expect(upstreamFetch(`${base}/json`)).rejects.toMatchObject({ message: 'fetch failed' });
    // The reused socket and one retry on a fresh socket: two attempts, no third.
    expect(requests).toBe(4);
  });

  it('does not retry once answer bytes have arrived', async () => {
    const upstreamFetch = createUpstreamFetch({ body: 'node', timeouts: 'default' });
    expect(await (await upstreamFetch(`${base}/json`)).json()).toEqual({ ok: true });
    const response = await upstreamFetch(`${base}/half`, { method: 'POST', body: '{}' });
    await expect(response.text()).rejects.toBeDefined();
    expect(requests).toBe(2);
  });

  describe('a pooled socket is closed before the upstream would close it (as the global fetch does)', () => {
    const pooledSocketTimeout = (): number | undefined => Object.values(agentFor('http:').freeSockets).flat()[0]?.timeout;

    it('a second before the upstream’s Keep-Alive hint', async () => {
      const upstreamFetch = createUpstreamFetch({ body: 'node', timeouts: 'default' });
      expect(await (await upstreamFetch(`${base}/hint-30`)).json()).toEqual({ ok: true });
      await waitForPooledSocket();
      expect(pooledSocketTimeout()).toBe(29_000);
    });

    it('after 4 s without a hint', async () => {
      const upstreamFetch = createUpstreamFetch({ body: 'node', timeouts: 'default' });
      // Node's own server announces "timeout=5" unless told otherwise.
      server.keepAliveTimeout = 0;
      try {
        expect(await (await upstreamFetch(`${base}/json`)).json()).toEqual({ ok: true });
        await waitForPooledSocket();
        expect(pooledSocketTimeout()).toBe(4_000);
      } finally {
        server.keepAliveTimeout = 5_000;
      }
    });

    it('not pooled at all when the hint leaves no margin', async () => {
      const upstreamFetch = createUpstreamFetch({ body: 'node', timeouts: 'default' });
      expect(await (await upstreamFetch(`${base}/hint-1`, { method: 'POST', body: '{}' })).json()).toEqual({ ok: true });
      expect(await (await upstreamFetch(`${base}/json`, { method: 'POST', body: '{}' })).json()).toEqual({ ok: true });
      expect(connections).toBe(2);
    });

    async function waitForPooledSocket(): Promise<void> {
      for (let tries = 0; tries < 100 && pooledSocketTimeout() === undefined; tries += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
});
