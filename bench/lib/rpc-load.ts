// The gateway's own protocol through connect-node, one client per wire
// protocol: gRPC (h2c, one HTTP/2 session), gRPC-Web and Connect (JSON and
// binary) over HTTP/1.1 keep-alive. Each RPC kind is one protocol and one
// method (StreamComplete or Complete). Closed-loop load: `concurrency` callers,
// each starting its next call when the last one ended.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { createClient, type Client, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { createRawConnectClient, createRawGrpcClient, type RawConnectClient, type RawGrpcClient } from './raw-rpc-clients.js';

type CompletionClient = Client<typeof CompletionService>;
type Protocol = 'grpc' | 'grpcWeb' | 'connectJson' | 'connectBinary' | 'grpcRaw' | 'connectRaw';

export interface RpcClients {
  grpc: CompletionClient;
  grpcWeb: CompletionClient;
  connectJson: CompletionClient;
  connectBinary: CompletionClient;
  /** No client library: node:http2 and hand framing (raw-rpc-clients.ts). */
  grpcRaw: RawGrpcClient;
  /** No client library: node:http and a body encoded once (raw-rpc-clients.ts). */
  connectRaw: RawConnectClient;
  close(): void;
}

export function createRpcClients(baseUrl: string, secret: string, concurrency: number): RpcClients {
  const auth: Interceptor = (next) => (request) => {
    request.header.set('authorization', `Bearer ${secret}`);
    return next(request);
  };
  const sessionManager = new Http2SessionManager(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const grpcRaw = createRawGrpcClient(baseUrl, secret);
  const connectRaw = createRawConnectClient(baseUrl, secret, concurrency);
  const overHttp1 = { baseUrl, httpVersion: '1.1' as const, nodeOptions: { agent }, interceptors: [auth] };
  return {
    grpc: createClient(CompletionService, createGrpcTransport({ baseUrl, sessionManager, interceptors: [auth] })),
    grpcWeb: createClient(CompletionService, createGrpcWebTransport({ ...overHttp1, useBinaryFormat: true })),
    connectJson: createClient(CompletionService, createConnectTransport({ ...overHttp1, useBinaryFormat: false })),
    connectBinary: createClient(CompletionService, createConnectTransport({ ...overHttp1, useBinaryFormat: true })),
    grpcRaw,
    connectRaw,
    close() {
      grpcRaw.close();
      connectRaw.close();
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

export async function streamOnce(client: CompletionClient, model: string): Promise<CallTiming> {
  const startedAt = performance.now();
  let firstMs = Number.NaN;
  for await (const message of client.streamComplete({ chat: chat(model) })) {
    if (Number.isNaN(firstMs) && message.chunk?.event.case === 'textDelta') firstMs = performance.now() - startedAt;
  }
  if (Number.isNaN(firstMs)) throw new Error('the stream carried no text');
  return { firstMs, totalMs: performance.now() - startedAt };
}

export async function unaryOnce(client: CompletionClient, model: string): Promise<CallTiming> {
  const startedAt = performance.now();
  const answer = await client.complete({ chat: chat(model) });
  if (!answer.response?.choices.length) throw new Error('the answer has no choice');
  const totalMs = performance.now() - startedAt;
  return { firstMs: totalMs, totalMs };
}

/** The RPC rows of the table: one protocol and one method each. */
export const RPC_KINDS = {
  'grpc-stream': { label: 'gRPC StreamComplete, first chunk (h2c)', protocol: 'grpc', stream: true },
  'grpc-stream-raw': { label: 'gRPC StreamComplete, first chunk (h2c, node:http2 client)', protocol: 'grpcRaw', stream: true },
  'grpc-unary': { label: 'gRPC Complete unary (h2c)', protocol: 'grpc', stream: false },
  'grpc-web-stream': { label: 'gRPC-Web StreamComplete, first chunk (binary, HTTP/1.1)', protocol: 'grpcWeb', stream: true },
  'connect-stream': { label: 'Connect StreamComplete, first chunk (binary, HTTP/1.1)', protocol: 'connectBinary', stream: true },
  'connect-unary': { label: 'Connect Complete unary (binary, HTTP/1.1)', protocol: 'connectBinary', stream: false },
  'connect-unary-raw': { label: 'Connect Complete unary (binary, HTTP/1.1, node:http client)', protocol: 'connectRaw', stream: false },
  'connect-json-unary': { label: 'Connect Complete unary (JSON, HTTP/1.1)', protocol: 'connectJson', stream: false },
} as const satisfies Record<string, { label: string; protocol: Protocol; stream: boolean }>;

export type RpcKind = keyof typeof RPC_KINDS;

export function isRpcKind(value: string): value is RpcKind {
  return Object.hasOwn(RPC_KINDS, value);
}

/** One call of this kind on these clients. */
export function rpcCall(kind: RpcKind, clients: RpcClients, model: string): () => Promise<CallTiming> {
  const { protocol, stream } = RPC_KINDS[kind];
  if (protocol === 'grpcRaw') return () => clients.grpcRaw.streamOnce(model);
  if (protocol === 'connectRaw') return () => clients.connectRaw.unaryOnce(model);
  const client = clients[protocol];
  return stream ? () => streamOnce(client, model) : () => unaryOnce(client, model);
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
