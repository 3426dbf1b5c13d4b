// Calls ServerReflectionInfo directly with @grpc/grpc-js, using the vendored
// reflection.proto loaded by @grpc/proto-loader (an independent decoder of our
// wire contract), for both grpc.reflection.v1 and grpc.reflection.v1alpha.

import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReflectionServer, servedFiles, type ReflectionServer } from './reflection-server.js';

const protoRoot = fileURLToPath(new URL('../../proto', import.meta.url));

interface ReflectionRequest {
  host?: string;
  file_by_filename?: string;
  file_containing_symbol?: string;
  file_containing_extension?: { containing_type: string; extension_number: number };
  all_extension_numbers_of_type?: string;
  list_services?: string;
}

interface ReflectionResponse {
  valid_host: string;
  original_request: ReflectionRequest & { message_request?: string };
  message_response?: string;
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  all_extension_numbers_response?: { base_type_name: string; extension_number: number[] };
  list_services_response?: { service: { name: string }[] };
  error_response?: { error_code: number; error_message: string };
}

type ReflectionCall = grpc.ClientDuplexStream<ReflectionRequest, ReflectionResponse>;
type ReflectionClient = grpc.Client & { ServerReflectionInfo(): ReflectionCall };

function loadClient(version: 'v1' | 'v1alpha', address: string): ReflectionClient {
  const definition = protoLoader.loadSync(`grpc/reflection/${version}/reflection.proto`, {
    includeDirs: [protoRoot],
    keepCase: true,
    longs: String,
    defaults: true,
    oneofs: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    grpc: { reflection: Record<string, { ServerReflection: grpc.ServiceClientConstructor }> };
  };
  const ctor = loaded.grpc.reflection[version]?.ServerReflection;
  if (!ctor) throw new Error(`ServerReflection not found in ${version} proto`);
  return new ctor(address, grpc.credentials.createInsecure()) as unknown as ReflectionClient;
}

/** One bidi stream; `ask` writes a request and resolves with the next response. */
class ReflectionStream {
  private readonly call: ReflectionCall;
  private readonly waiting: { resolve(r: ReflectionResponse): void; reject(e: Error): void }[] = [];
  private readonly received: ReflectionResponse[] = [];
  private failure: Error | undefined;

  constructor(client: ReflectionClient) {
    this.call = client.ServerReflectionInfo();
    this.call.on('data', (response: ReflectionResponse) => {
      const waiter = this.waiting.shift();
      if (waiter) waiter.resolve(response);
      else this.received.push(response);
    });
    this.call.on('error', (err: Error) => {
      this.failure = err;
      for (const waiter of this.waiting.splice(0)) waiter.reject(err);
    });
  }

  send(request: ReflectionRequest): void {
    this.call.write(request);
  }

  next(): Promise<ReflectionResponse> {
    const response = this.received.shift();
    if (response) return Promise.resolve(response);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  ask(request: ReflectionRequest): Promise<ReflectionResponse> {
    this.send(request);
    return this.next();
  }

  /** Half-closes and resolves with the final status code. */
  end(): Promise<grpc.status> {
    return new Promise((resolve) => {
      this.call.once('status', (status: grpc.StatusObject) => resolve(status.code));
      this.call.end();
    });
  }
}

const decodeFiles = (response: ReflectionResponse): FileDescriptorProto[] => {
  expect(response.message_response).toBe('file_descriptor_response');
  return (response.file_descriptor_response?.file_descriptor_proto ?? []).map((bytes) =>
    fromBinary(FileDescriptorProtoSchema, bytes),
  );
};

/** Every dependency of every returned file is itself returned. */
const expectSelfContained = (files: FileDescriptorProto[]): void => {
  const names = new Set(files.map((f) => f.name));
  expect(names.size).toBe(files.length);
  for (const file of files) {
    for (const dep of file.dependency) expect(names, `${file.name} imports ${dep}`).toContain(dep);
  }
};

let server: ReflectionServer;

beforeAll(async () => {
  server = await startReflectionServer();
});

afterAll(async () => {
  await server?.close();
});

describe.each(['v1', 'v1alpha'] as const)('grpc.reflection.%s.ServerReflection', (version) => {
  let client: ReflectionClient;
  let stream: ReflectionStream;

  beforeAll(() => {
    client = loadClient(version, server.address);
    stream = new ReflectionStream(client);
  });

  afterAll(async () => {
    if (stream) expect(await stream.end()).toBe(grpc.status.OK);
    client?.close();
  });

  it('lists our services and both reflection services', async () => {
    const response = await stream.ask({ host: 'gateway.test', list_services: '*' });
    expect(response.message_response).toBe('list_services_response');
    expect(response.valid_host).toBe('gateway.test');
    expect(response.original_request.list_services).toBe('*');
    expect(response.list_services_response?.service.map((s) => s.name)).toEqual([
      'llmgateway.v1.CompletionService',
      'llmgateway.v1.KeysService',
      'llmgateway.v1.ProvidersService',
      'grpc.reflection.v1.ServerReflection',
      'grpc.reflection.v1alpha.ServerReflection',
    ]);
  });

  it('file_containing_symbol for a method returns its file first, with the well-known deps', async () => {
    const response = await stream.ask({ host: 'h', file_containing_symbol: 'llmgateway.v1.KeysService.CreateKey' });
    expect(response.valid_host).toBe('h');
    expect(response.original_request.file_containing_symbol).toBe('llmgateway.v1.KeysService.CreateKey');
    const files = decodeFiles(response);
    expect(files[0]?.name).toBe('llmgateway/v1/keys_service.proto');
    expect(files[0]?.package).toBe('llmgateway.v1');
    expect(files[0]?.service.find((s) => s.name === 'KeysService')?.method.map((m) => m.name)).toContain('CreateKey');
    expect(files.map((f) => f.name)).toEqual(
      expect.arrayContaining([
        'google/protobuf/duration.proto',
        'google/protobuf/field_mask.proto',
        'google/protobuf/timestamp.proto',
      ]),
    );
    expectSelfContained(files);
  });

  it('an unknown symbol gets error_response NOT_FOUND and the stream stays usable', async () => {
    const missing = await stream.ask({ file_containing_symbol: 'llmgateway.v1.NoSuchService' });
    expect(missing.message_response).toBe('error_response');
    expect(missing.error_response?.error_code).toBe(grpc.status.NOT_FOUND);
    expect(missing.error_response?.error_message).toContain('llmgateway.v1.NoSuchService');
    expect(missing.original_request.file_containing_symbol).toBe('llmgateway.v1.NoSuchService');

    const next = await stream.ask({ file_containing_symbol: 'llmgateway.v1.ProvidersService' });
    expect(decodeFiles(next)[0]?.name).toBe('llmgateway/v1/providers_service.proto');
  });

  it.each([
    ['a message', 'llmgateway.v1.CreateKeyRequest', 'llmgateway/v1/keys_service.proto'],
    ['a nested (map entry) message', 'llmgateway.v1.VirtualKey.MetadataEntry', 'llmgateway/v1/keys_service.proto'],
    ['a field', 'llmgateway.v1.VirtualKey.expires_at', 'llmgateway/v1/keys_service.proto'],
    ['an enum', 'llmgateway.v1.BudgetUnit', 'llmgateway/v1/keys_service.proto'],
    ['an enum value', 'llmgateway.v1.BUDGET_UNIT_USD', 'llmgateway/v1/keys_service.proto'],
    ['a service', 'llmgateway.v1.CompletionService', 'llmgateway/v1/completion_service.proto'],
    ['a message of a dependency', 'google.protobuf.Struct', 'google/protobuf/struct.proto'],
    ['the reflection service', `grpc.reflection.${version}.ServerReflection`, `grpc/reflection/${version}/reflection.proto`],
  ])('file_containing_symbol finds %s', async (_kind, symbol, fileName) => {
    const files = decodeFiles(await stream.ask({ file_containing_symbol: symbol }));
    expect(files[0]?.name).toBe(fileName);
    expectSelfContained(files);
  });

  it('file_by_filename returns the file and all its transitive dependencies', async () => {
    const files = decodeFiles(await stream.ask({ file_by_filename: 'llmgateway/v1/completion_service.proto' }));
    expect(files[0]?.name).toBe('llmgateway/v1/completion_service.proto');
    expect(files.map((f) => f.name).sort()).toEqual(
      [
        'google/protobuf/duration.proto',
        'google/protobuf/struct.proto',
        'google/protobuf/timestamp.proto',
        'llmgateway/v1/chat.proto',
        'llmgateway/v1/completion_service.proto',
      ].sort(),
    );
    expectSelfContained(files);

    const wkt = decodeFiles(await stream.ask({ file_by_filename: 'google/protobuf/struct.proto' }));
    expect(wkt.map((f) => f.name)).toEqual(['google/protobuf/struct.proto']);

    const missing = await stream.ask({ file_by_filename: 'llmgateway/v1/nope.proto' });
    expect(missing.error_response?.error_code).toBe(grpc.status.NOT_FOUND);
  });

  it('every served file is self-contained', async () => {
    for (const file of servedFiles) {
      expectSelfContained(decodeFiles(await stream.ask({ file_by_filename: file.proto.name })));
    }
  });

  it('answers extension queries: none for known messages, NOT_FOUND for unknown ones', async () => {
    const numbers = await stream.ask({ all_extension_numbers_of_type: 'llmgateway.v1.VirtualKey' });
    expect(numbers.message_response).toBe('all_extension_numbers_response');
    expect(numbers.all_extension_numbers_response).toEqual({
      base_type_name: 'llmgateway.v1.VirtualKey',
      extension_number: [],
    });

    const unknownType = await stream.ask({ all_extension_numbers_of_type: 'llmgateway.v1.Nope' });
    expect(unknownType.error_response?.error_code).toBe(grpc.status.NOT_FOUND);

    const noExtension = await stream.ask({
      file_containing_extension: { containing_type: 'llmgateway.v1.VirtualKey', extension_number: 100 },
    });
    expect(noExtension.error_response?.error_code).toBe(grpc.status.NOT_FOUND);
    expect(noExtension.original_request.file_containing_extension).toEqual({
      containing_type: 'llmgateway.v1.VirtualKey',
      extension_number: 100,
    });
  });

  it('an empty request gets INVALID_ARGUMENT in-band', async () => {
    const response = await stream.ask({ host: 'h' });
    expect(response.error_response?.error_code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('pipelined requests are answered in order', async () => {
    const symbols = [
      'llmgateway.v1.CompletionService.Complete',
      'llmgateway.v1.Missing',
      'llmgateway.v1.ProvidersService.ListProviders',
    ];
    for (const symbol of symbols) stream.send({ file_containing_symbol: symbol });
    const responses = [await stream.next(), await stream.next(), await stream.next()];
    expect(responses.map((r) => r.original_request.file_containing_symbol)).toEqual(symbols);
    expect(responses.map((r) => r.message_response)).toEqual([
      'file_descriptor_response',
      'error_response',
      'file_descriptor_response',
    ]);
  });
});
