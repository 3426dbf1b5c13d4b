// `cache-control` from the client, as HTTP means it (RFC 9111 §5.2.1): with
// `no-cache` the answer is not served from the response cache, but the fresh
// one is stored for the requests after it; with `no-store` the cache is
// neither read nor written. Both answers say `x-gateway-cache: bypass`. The
// RPC's GatewayOptions say the same with cache_refresh and cache_bypass.
// Through the official openai client (unary and streamed) and connect-node.
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { startRoutingHarness, type RoutingHarness } from '../routing/routing-harness.js';

let harness: RoutingHarness;
let openai: OpenAI;
let secret: string;

beforeAll(async () => {
  harness = await startRoutingHarness();
  await harness.addFaultProvider('directives', ['ok-unary', 'ok-stream', 'ok-rpc']);
  secret = String((await harness.admin('KeysService/CreateKey', { name: 'cached', cacheEnabled: true }))['secret']);
  openai = new OpenAI({ baseURL: `${harness.gateway.url}/v1`, apiKey: secret, maxRetries: 0 });
});
afterAll(() => harness?.close());

/** x-gateway-cache of a unary request with this cache-control (none: absent). */
const unary = async (text: string, cacheControl?: string) => {
  const { response } = await openai.chat.completions
    .create({ model: 'directives/ok-unary', messages: [{ role: 'user', content: text }] }, cacheControl ? { headers: { 'cache-control': cacheControl } } : {})
    .withResponse();
  return response.headers.get('x-gateway-cache');
};

const streamed = async (text: string, cacheControl?: string) => {
  const { data, response } = await openai.chat.completions
    .create({ model: 'directives/ok-stream', stream: true, messages: [{ role: 'user', content: text }] }, cacheControl ? { headers: { 'cache-control': cacheControl } } : {})
    .withResponse();
  for await (const chunk of data) void chunk;
  return response.headers.get('x-gateway-cache');
};

describe('cache-control from the client', () => {
  it('no-cache: goes upstream, then stores the fresh answer for the next request (unary)', async () => {
    const calls = () => harness.upstream.calls('ok-unary');
    expect(await unary('refreshed first', 'no-cache')).toBe('bypass');
    expect(calls()).toBe(1);
    expect(await unary('refreshed first')).toBe('hit');
    expect(calls()).toBe(1);
    // Stored already: no-cache still goes upstream (and stores again).
    expect(await unary('refreshed first', 'max-age=0, no-cache')).toBe('bypass');
    expect(calls()).toBe(2);
    expect(await unary('refreshed first')).toBe('hit');
    expect(calls()).toBe(2);
  });

  it('no-store: goes upstream and stores nothing (unary)', async () => {
    const calls = () => harness.upstream.calls('ok-unary');
    const before = calls();
    expect(await unary('never stored', 'no-store')).toBe('bypass');
    expect(await unary('never stored')).toBe('miss');
    expect(calls()).toBe(before + 2);
    // Stored now, but no-store does not read it either.
    expect(await unary('never stored', 'no-store')).toBe('bypass');
    expect(calls()).toBe(before + 3);
  });

  it('no-cache and no-store on streams', async () => {
    const calls = () => harness.upstream.calls('ok-stream');
    expect(await streamed('streamed refresh', 'no-cache')).toBe('bypass');
    expect(await streamed('streamed refresh')).toBe('hit');
    expect(calls()).toBe(1);
    expect(await streamed('streamed never stored', 'no-store')).toBe('bypass');
    expect(await streamed('streamed never stored')).toBe('miss');
    expect(calls()).toBe(3);
  });

  it('the RPC: gateway.cacheRefresh stores the fresh answer, gateway.cacheBypass neither reads nor writes', async () => {
    const transport = createConnectTransport({
      baseUrl: harness.gateway.url,
      httpVersion: '1.1',
      interceptors: [(next) => (request) => (request.header.set('authorization', `Bearer ${secret}`), next(request))],
    });
    const rpc = createClient(CompletionService, transport);
    const calls = () => harness.upstream.calls('ok-rpc');
    const ask = async (text: string, gateway: { cacheRefresh?: boolean; cacheBypass?: boolean } = {}) =>
      (await rpc.complete({ chat: { model: 'directives/ok-rpc', gateway, messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text } } }] }] } })).response!.route!
        .cacheHit;
    expect(await ask('rpc refresh', { cacheRefresh: true })).toBe(false);
    expect(await ask('rpc refresh')).toBe(true);
    expect(calls()).toBe(1);
    // Stored: a refresh goes upstream all the same.
    expect(await ask('rpc refresh', { cacheRefresh: true })).toBe(false);
    expect(calls()).toBe(2);
    expect(await ask('rpc bypass', { cacheBypass: true })).toBe(false);
    expect(await ask('rpc bypass')).toBe(false);
    expect(calls()).toBe(4);
  });
});
