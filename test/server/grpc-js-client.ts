// An independent gRPC client: @grpc/grpc-js with stubs loaded at run time by
// @grpc/proto-loader straight from proto/llmgateway/v1/*.proto (nothing of
// connect-es involved). Messages are plain objects with camelCase fields and
// enums as their names.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export const protoDir = fileURLToPath(new URL('../../proto', import.meta.url));

const serviceNames = {
  keys: 'KeysService',
  providers: 'ProvidersService',
  completion: 'CompletionService',
} as const;
type ServiceAlias = keyof typeof serviceNames;

// Responses are loosely typed plain objects.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Message = any;
type UnaryMethod = (
  request: object,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response?: Message) => void,
) => void;

export interface GrpcJsClients {
  /** Calls a unary method with `authorization: Bearer <token>`; rejects with the ServiceError. */
  call(service: ServiceAlias, method: string, request: object, token: string): Promise<Message>;
  /** The numeric gRPC status a call ends with (0 when it succeeds). */
  statusOf(service: ServiceAlias, method: string, request: object, token: string): Promise<number>;
  close(): void;
}

export function loadGatewayPackage(): grpc.GrpcObject {
  const files = readdirSync(`${protoDir}/llmgateway/v1`)
    .filter((file) => file.endsWith('.proto'))
    .map((file) => `llmgateway/v1/${file}`);
  const definition = protoLoader.loadSync(files, {
    includeDirs: [protoDir],
    keepCase: false,
    enums: String,
    longs: String,
    defaults: true,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition);
}

export function createGrpcJsClients(target: string, credentials = grpc.credentials.createInsecure()): GrpcJsClients {
  const loaded = loadGatewayPackage();
  const v1 = (loaded['llmgateway'] as grpc.GrpcObject)['v1'] as grpc.GrpcObject;
  const clients = new Map<ServiceAlias, grpc.Client>();
  for (const [alias, name] of Object.entries(serviceNames) as Array<[ServiceAlias, string]>) {
    const Constructor = v1[name] as grpc.ServiceClientConstructor;
    clients.set(alias, new Constructor(target, credentials));
  }

  const call = (service: ServiceAlias, method: string, request: object, token: string): Promise<Message> => {
    const client = clients.get(service) as unknown as Record<string, UnaryMethod>;
    const unary = client[method];
    if (!unary) throw new Error(`no method ${method} on ${service}`);
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    return new Promise((resolve, reject) => {
      unary.call(client, request, metadata, { deadline: Date.now() + 10_000 }, (error, response) =>
        error ? reject(error) : resolve(response),
      );
    });
  };

  return {
    call,
    async statusOf(service, method, request, token) {
      try {
        await call(service, method, request, token);
        return grpc.status.OK;
      } catch (error) {
        return (error as grpc.ServiceError).code;
      }
    },
    close() {
      for (const client of clients.values()) client.close();
    },
  };
}
