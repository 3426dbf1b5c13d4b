// The browser side of the browser tests: bundled by esbuild (platform
// browser) and loaded by a page on another origin than the gateway. It
// exposes `window.gatewayClient.call(…)`, which makes one RPC with a real
// Connect-Web client and returns only plain JSON, so the test (in Node)
// receives exactly what the browser saw: the response as proto3 JSON, or the
// ConnectError's code and message.
import { fromJson, toJson, type DescMethod, type DescService, type JsonValue } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient, type Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-web';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { KeysService } from '../../gen/llmgateway/v1/keys_service_pb.js';
import { ProvidersService } from '../../gen/llmgateway/v1/providers_service_pb.js';

export type PageTransportKind = 'connect-json' | 'connect-binary' | 'grpc-web';

export type PageServiceName = 'keys' | 'providers' | 'completion';

export interface PageCall {
  baseUrl: string;
  transport: PageTransportKind;
  service: PageServiceName;
  /** The method's local name, e.g. "createKey". */
  method: string;
  /** The request as proto3 JSON. */
  request?: JsonValue;
  /** Sent as `Authorization: Bearer <token>` when set. */
  bearer?: string;
}

export type PageCallResult =
  | { ok: true; response: JsonValue }
  | {
      ok: false;
      /** The Code's name as the browser's client saw it, e.g. "Unauthenticated". */
      code: string;
      rawMessage: string;
      /** The message of the error's cause (e.g. fetch's TypeError), if any. */
      cause: string | null;
    };

export interface GatewayPageClient {
  call(call: PageCall): Promise<PageCallResult>;
}

const services: Record<PageServiceName, DescService> = {
  keys: KeysService,
  providers: ProvidersService,
  completion: CompletionService,
};

function transportFor(kind: PageTransportKind, baseUrl: string): Transport {
  switch (kind) {
    case 'connect-json':
      return createConnectTransport({ baseUrl, useBinaryFormat: false });
    case 'connect-binary':
      return createConnectTransport({ baseUrl, useBinaryFormat: true });
    case 'grpc-web':
      return createGrpcWebTransport({ baseUrl, useBinaryFormat: true });
  }
}

async function call({ baseUrl, transport, service, method, request = {}, bearer }: PageCall): Promise<PageCallResult> {
  const descService = services[service];
  const descMethod: DescMethod | undefined = descService.method[method];
  if (!descMethod || descMethod.methodKind !== 'unary') throw new Error(`no unary method ${service}.${method}`);
  const client = createClient(descService, transportFor(transport, baseUrl)) as unknown as Record<
    string,
    (input: unknown, options: { headers: Record<string, string> }) => Promise<unknown>
  >;
  const headers: Record<string, string> = bearer === undefined ? {} : { authorization: `Bearer ${bearer}` };
  try {
    const input = fromJson(descMethod.input, request);
    const output = await client[method]!(input, { headers });
    return { ok: true, response: toJson(descMethod.output, output as never) };
  } catch (error) {
    const connectError = ConnectError.from(error);
    const cause = connectError.cause instanceof Error ? connectError.cause.message : null;
    return { ok: false, code: Code[connectError.code], rawMessage: connectError.rawMessage, cause };
  }
}

declare global {
  interface Window {
    gatewayClient: GatewayPageClient;
  }
}

window.gatewayClient = { call };
