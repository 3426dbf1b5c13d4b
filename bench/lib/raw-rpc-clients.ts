// The thinnest RPC clients, so that the typed surfaces and the shim (driven by autocannon and a
// node:http stream client) compare on equal terms — a client library's own per-message work, and
// the slower call rate it imposes on the gateway, are not the gateway's:
// - gRPC StreamComplete: node:http2 on one session, the request framed by hand, the answer's bytes
//   searched for the upstream's first text ("FIRST") without decoding a message, as the SSE client
//   (stream-client.ts) searches the shim's text;
// - Connect Complete (binary): node:http keep-alive, the request encoded once, the answer read whole.
import http from 'node:http';
import http2 from 'node:http2';
import { performance } from 'node:perf_hooks';
import { create, toBinary } from '@bufbuild/protobuf';
import { CompleteRequestSchema, StreamCompleteRequestSchema } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { Role } from '../../gen/llmgateway/v1/chat_pb.js';
import type { CallTiming } from './rpc-load.js';

const FIRST = Buffer.from('FIRST');

/** The one chat every raw client sends, encoded once per model. */
const helloChat = (model: string) => ({
  model,
  messages: [{ role: Role.USER, content: [{ kind: { case: 'text' as const, value: { text: 'Say hello in one short sentence.' } } }] }],
});

export interface RawGrpcClient {
  streamOnce(model: string): Promise<CallTiming>;
  close(): void;
}

export function createRawGrpcClient(baseUrl: string, secret: string): RawGrpcClient {
  // One session, opened again when the gateway has closed it (its idle timeout passes while other scenarios run).
  let session: http2.ClientHttp2Session | undefined;
  const open = () => {
    if (!session || session.closed || session.destroyed) {
      session = http2.connect(baseUrl);
      session.on('error', () => undefined);
    }
    return session;
  };
  const bodies = new Map<string, Buffer>();
  const bodyFor = (model: string) => {
    let body = bodies.get(model);
    if (!body) {
      const message = toBinary(
        StreamCompleteRequestSchema,
        create(StreamCompleteRequestSchema, { chat: helloChat(model) }),
      );
      body = Buffer.alloc(5 + message.byteLength);
      body.writeUInt32BE(message.byteLength, 1);
      body.set(message, 5);
      bodies.set(model, body);
    }
    return body;
  };
  return {
    streamOnce(model) {
      return new Promise((resolve, reject) => {
        const startedAt = performance.now();
        let firstMs = Number.NaN;
        let status: string | undefined;
        const stream = open().request({
          ':method': 'POST',
          ':path': '/llmgateway.v1.CompletionService/StreamComplete',
          'content-type': 'application/grpc',
          te: 'trailers',
          authorization: `Bearer ${secret}`,
        });
        stream.on('data', (part: Buffer) => {
          if (Number.isNaN(firstMs) && part.includes(FIRST)) firstMs = performance.now() - startedAt;
        });
        stream.on('trailers', (trailers) => (status = String(trailers['grpc-status'])));
        stream.on('error', reject);
        stream.on('close', () => {
          if (status !== '0') reject(new Error(`grpc-status ${status}`));
          else if (Number.isNaN(firstMs)) reject(new Error('the stream carried no text'));
          else resolve({ firstMs, totalMs: performance.now() - startedAt });
        });
        stream.end(bodyFor(model));
      });
    },
    close: () => session?.destroy(),
  };
}

export interface RawConnectClient {
  unaryOnce(model: string): Promise<CallTiming>;
  close(): void;
}

export function createRawConnectClient(baseUrl: string, secret: string, concurrency: number): RawConnectClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = `${baseUrl}/llmgateway.v1.CompletionService/Complete`;
  const bodies = new Map<string, Uint8Array>();
  const bodyFor = (model: string) => {
    let body = bodies.get(model);
    if (!body) {
      body = toBinary(
        CompleteRequestSchema,
        create(CompleteRequestSchema, { chat: helloChat(model) }),
      );
      bodies.set(model, body);
    }
    return body;
  };
  return {
    unaryOnce(model) {
      return new Promise((resolve, reject) => {
        const startedAt = performance.now();
        const body = bodyFor(model);
        const request = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/proto', 'content-length': body.byteLength, authorization: `Bearer ${secret}` } }, (response) => {
          response.resume();
          response.on('end', () => {
            const totalMs = performance.now() - startedAt;
            if (response.statusCode === 200) resolve({ firstMs: totalMs, totalMs });
            else reject(new Error(`status ${response.statusCode}`));
          });
          response.on('error', reject);
        });
        request.on('error', reject);
        request.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}
