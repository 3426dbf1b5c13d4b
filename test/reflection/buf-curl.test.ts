// buf curl discovers our services through server reflection alone (no
// --schema), over gRPC with HTTP/2 prior knowledge, with both reflection
// protocol versions, and without any access to the Buf Schema Registry.

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompletionService } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { KeysService } from '../../gen/llmgateway/v1/keys_service_pb.js';
import { ProvidersService } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { startReflectionServer, type ReflectionServer } from './reflection-server.js';

const bufBin = fileURLToPath(new URL('../../node_modules/.bin/buf', import.meta.url));

const expectedMethods = [CompletionService, KeysService, ProvidersService].flatMap((service) =>
  service.methods.map((method) => `${service.typeName}/${method.name}`),
);

let server: ReflectionServer;
let bufHome: string;

beforeAll(async () => {
  server = await startReflectionServer();
  // Empty buf cache/config, and every non-loopback HTTP(S) request sent to a
  // dead proxy: any attempt to reach the BSR would fail the command.
  bufHome = await mkdtemp(path.join(os.tmpdir(), 'reflection-buf-'));
});

afterAll(async () => {
  await server?.close();
  if (bufHome) await rm(bufHome, { recursive: true, force: true });
});

function bufCurl(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      bufBin,
      ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', ...args],
      {
        timeout: 20_000,
        env: {
          ...process.env,
          BUF_CACHE_DIR: path.join(bufHome, 'cache'),
          BUF_CONFIG_DIR: path.join(bufHome, 'config'),
          HTTP_PROXY: 'http://127.0.0.1:9',
          HTTPS_PROXY: 'http://127.0.0.1:9',
          NO_PROXY: '',
        },
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`buf curl ${args.join(' ')} failed: ${error.message}\n${stderr}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');

describe('buf curl over server reflection', () => {
  it.each([
    ['default (v1, then v1alpha)', []],
    ['grpc-v1', ['--reflect-protocol', 'grpc-v1']],
    ['grpc-v1alpha', ['--reflect-protocol', 'grpc-v1alpha']],
  ])('--list-methods with %s lists every method of our services', async (_label, extra) => {
    const { stdout } = await bufCurl(...extra, '--list-methods', server.baseUrl);
    expect(lines(stdout).sort()).toEqual(
      [
        ...expectedMethods,
        'grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
        'grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
      ].sort(),
    );
  });

  it('--list-services lists our services and the reflection services', async () => {
    const { stdout } = await bufCurl('--list-services', server.baseUrl);
    expect(lines(stdout).sort()).toEqual(
      [
        'grpc.reflection.v1.ServerReflection',
        'grpc.reflection.v1alpha.ServerReflection',
        'llmgateway.v1.CompletionService',
        'llmgateway.v1.KeysService',
        'llmgateway.v1.ProvidersService',
      ].sort(),
    );
  });
});
