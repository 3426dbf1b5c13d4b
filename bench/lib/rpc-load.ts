// The gateway's own protocol through connect-node: gRPC server-streaming
// (StreamComplete over h2c, one HTTP/2 session) and Connect unary (Complete,
// binary protobuf over HTTP/1.1 keep-alive). Closed-loop load: `concurrency`
// callers, each starting its next call when the last one ended.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { createClient, type Client, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';

export interface RpcClients {
  grpc: Client<typeof CompletionService>;
  connect: Client<typeof CompletionService>;
  close(): void;
}

export function createRpcClients(baseUrl: string, secret: string, concurrency: number): RpcClients {
  const auth: Interceptor = (next) => (request) => {
    request.header.set('authorization', `Bearer ${secret}`);
    return next(request);
  };
  const sessionManager = new Http2SessionManager(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  return {
    grpc: createClient(CompletionService, createGrpcTransport({ baseUrl, sessionManager, interceptors: [auth] })),
    connect: createClient(
      CompletionService,
      createConnectTransport({ baseUrl, httpVersion: '1.1', useBinaryFormat: true, nodeOptions: { agent }, interceptors: [auth] }),
    ),
    close() {
      sessionManager.abort();
      agent.destroy();
    },
  };
}

const chat = (model: string) => ({
  model,
  messages: [{ role: Role.USER, content: [{ kind: { case: 'text' as const, value: { text: 'Say hello in one short sentence.' } } }] }],
});

export interface CallTiming {
  /** Until the first content (the first text delta for a stream; the response for unary). */
  firstMs: number;
  totalMs: number;
}

export async function grpcStreamOnce(client: Client<typeof CompletionService>, model: string): Promise<CallTiming> {
  const startedAt = performance.now();
  let firstMs = Number.NaN;
  for await (const message of client.streamComplete({ chat: chat(model) })) {
    if (Number.isNaN(firstMs) && message.chunk?.event.case === 'textDelta') firstMs = performance.now() - startedAt;
  }
  if (Number.isNaN(firstMs)) throw new Error('the stream carried no text');
  return { firstMs, totalMs: performance.now() - startedAt };
}

export async function connectUnaryOnce(client: Client<typeof CompletionService>, model: string): Promise<CallTiming> {
  const startedAt = performance.now();
  const answer = await client.complete({ chat: chat(model) });
  if (!answer.response?.choices.length) throw new Error('the answer has no choice');
  const totalMs = performance.now() - startedAt;
  return { firstMs: totalMs, totalMs };
}

export interface RpcLoadResult {
  calls: number;
  errors: number;
  seconds: number;
  rps: number;
  firstMs: number[];
  totalMs: number[];
}

export async function rpcLoad(call: () => Promise<CallTiming>, concurrency: number, seconds: number): Promise<RpcLoadResult> {
  const result: RpcLoadResult = { calls: 0, errors: 0, seconds: 0, rps: 0, firstMs: [], totalMs: [] };
  const startedAt = performance.now();
  const deadline = startedAt + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      try {
        const timing = await call();
        result.calls += 1;
        result.firstMs.push(timing.firstMs);
        result.totalMs.push(timing.totalMs);
      } catch {
        result.errors += 1;
        if (result.errors > 1000) return;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  result.seconds = (performance.now() - startedAt) / 1000;
  result.rps = result.calls / result.seconds;
  return result;
}
