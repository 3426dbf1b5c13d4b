// Test helper: serves only the reflection services (describing our three
// llmgateway services) over cleartext HTTP/2 on 127.0.0.1, random port.

import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { file_llmgateway_v1_completion_service } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { file_llmgateway_v1_keys_service } from '../../gen/llmgateway/v1/keys_service_pb.js';
import { file_llmgateway_v1_providers_service } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { registerReflection } from '../../src/rpc/reflection/index.js';

export interface ReflectionServer {
  /** e.g. `http://127.0.0.1:54321` */
  readonly baseUrl: string;
  /** e.g. `127.0.0.1:54321` */
  readonly address: string;
  close(): Promise<void>;
}

export const servedFiles = [
  file_llmgateway_v1_completion_service,
  file_llmgateway_v1_keys_service,
  file_llmgateway_v1_providers_service,
];

export async function startReflectionServer(): Promise<ReflectionServer> {
  const server = http2.createServer(
    connectNodeAdapter({ routes: (router) => registerReflection(router, servedFiles) }),
  );
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        for (const session of sessions) session.close();
      }),
  };
}
