// The browser side of the browser tests: bundled by esbuild (platform
// browser) and loaded by a page on another origin than the gateway. It
// exposes `window.gatewayClient.call(…)`, which makes one unary RPC with a
// real Connect-Web client, and `window.gatewayClient.streamComplete(…)`,
// which iterates CompletionService.StreamComplete (optionally aborting it
// from the page). Both return only plain JSON, so the test (in Node) receives
// exactly what the browser saw: responses as proto3 JSON, or the
// ConnectError's code and message.
import { fromJson, toJson, type DescMethod, type DescService, type JsonValue } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient, type Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-web';
import {
  CompletionService,
  StreamCompleteRequestSchema,
  StreamCompleteResponseSchema,
} from '../../gen/llmgateway/v1/completion_service_pb.js';
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

/** A ConnectError as the browser's client saw it. */
export interface PageError {
  /** The Code's name, e.g. "Unauthenticated". */
  code: string;
  rawMessage: string;
  /** The message of the error's cause (e.g. fetch's TypeError or an AbortError), if any. */
  cause: string | null;
}

export type PageCallResult = { ok: true; response: JsonValue } | ({ ok: false } & PageError);

export interface PageStreamCall {
  baseUrl: string;
  transport: PageTransportKind;
  /** The StreamCompleteRequest as proto3 JSON. */
  request: JsonValue;
  /** Sent as `Authorization: Bearer <token>` when set. */
  bearer?: string;
  /** Abort the call (AbortController in the page) as soon as the first `textDelta` chunk has arrived. */
  abortAfterFirstTextDelta?: boolean;
}

export interface PageStreamResult {
  /** Every StreamCompleteResponse received, in order, as proto3 JSON. */
  messages: JsonValue[];
  /** The event name of each message's chunk (e.g. "start", "textDelta"), in order. */
  events: string[];
  /** Whether the page aborted the call. */
  abortedByPage: boolean;
  /** How the iteration ended: null when the stream completed normally. */
  error: PageError | null;
}

export interface GatewayPageClient {
  call(call: PageCall): Promise<PageCallResult>;
  streamComplete(call: PageStreamCall): Promise<PageStreamResult>;
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
  try {
    const input = fromJson(descMethod.input, request);
    const output = await client[method]!(input, { headers: headersFor(bearer) });
    return { ok: true, response: toJson(descMethod.output, output as never) };
  } catch (error) {
    return { ok: false, ...pageError(error) };
  }
}

async function streamComplete({
  baseUrl,
  transport,
  request,
  bearer,
  abortAfterFirstTextDelta = false,
}: PageStreamCall): Promise<PageStreamResult> {
  const client = createClient(CompletionService, transportFor(transport, baseUrl));
  const controller = new AbortController();
  const result: PageStreamResult = { messages: [], events: [], abortedByPage: false, error: null };
  try {
    const input = fromJson(StreamCompleteRequestSchema, request);
    for await (const message of client.streamComplete(input, { headers: headersFor(bearer), signal: controller.signal })) {
      const event = message.chunk?.event.case ?? '(none)';
      result.messages.push(toJson(StreamCompleteResponseSchema, message));
      result.events.push(event);
      if (abortAfterFirstTextDelta && event === 'textDelta' && !result.abortedByPage) {
        result.abortedByPage = true;
        controller.abort();
      }
    }
  } catch (error) {
    result.error = pageError(error);
  }
  return result;
}

function headersFor(bearer: string | undefined): Record<string, string> {
  return bearer === undefined ? {} : { authorization: `Bearer ${bearer}` };
}

function pageError(error: unknown): PageError {
  const connectError = ConnectError.from(error);
  const cause = connectError.cause instanceof Error ? connectError.cause.message : null;
  return { code: Code[connectError.code], rawMessage: connectError.rawMessage, cause };
}

declare global {
  interface Window {
    gatewayClient: GatewayPageClient;
  }
}

window.gatewayClient = { call, streamComplete };
