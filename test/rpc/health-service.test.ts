// grpc.health.v1.Health: what Kubernetes gRPC probes and grpc_health_probe ask.
// The service alone against a readiness the test flips (Check and Watch), then
// the real server through an independent @grpc/grpc-js client built from the
// vendored .proto, without any credential (a probe has none).
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { Code, ConnectError, createClient, createRouterTransport } from '@connectrpc/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from '../../gen/grpc/health/v1/health_pb.js';
import { healthService } from '../../src/rpc/health-service.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { protoDir } from '../server/grpc-js-client.js';

describe('the health service', () => {
  let ready = true;
  const client = createClient(
    Health,
    createRouterTransport((router) =>
      router.service(Health, healthService({ isReady: async () => ready, services: ['llmgateway.v1.CompletionService'], watchIntervalMs: 10 })),
    ),
  );

  it('answers SERVING or NOT_SERVING from the readiness, for the server and for each served service', async () => {
    ready = true;
    expect((await client.check({ service: '' })).status).toBe(ServingStatus.SERVING);
    expect((await client.check({ service: 'llmgateway.v1.CompletionService' })).status).toBe(ServingStatus.SERVING);
    ready = false;
    expect((await client.check({ service: '' })).status).toBe(ServingStatus.NOT_SERVING);
    ready = true;
  });

  it('answers NOT_FOUND for a service it does not serve (Check) and SERVICE_UNKNOWN (Watch)', async () => {
    const error = await client.check({ service: 'no.such.Service' }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(ConnectError.from(error).code).toBe(Code.NotFound);
    const controller = new AbortController();
    const seen: ServingStatus[] = [];
    await expect(
      (async () => {
        for await (const answer of client.watch({ service: 'no.such.Service' }, { signal: controller.signal })) {
          seen.push(answer.status);
          controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ code: Code.Canceled });
    expect(seen).toEqual([ServingStatus.SERVICE_UNKNOWN]);
  });

  it('Watch sends the status now, then each change, until the client leaves', async () => {
    ready = true;
    const controller = new AbortController();
    const seen: ServingStatus[] = [];
    const watching = (async () => {
      try {
        for await (const answer of client.watch({ service: '' }, { signal: controller.signal })) {
          seen.push(answer.status);
          if (seen.length === 1) ready = false;
          if (seen.length === 2) ready = true;
          if (seen.length === 3) controller.abort();
        }
      } catch (error) {
        if (ConnectError.from(error).code !== Code.Canceled) throw error;
      }
    })();
    await watching;
    expect(seen).toEqual([ServingStatus.SERVING, ServingStatus.NOT_SERVING, ServingStatus.SERVING]);
  });
});

describe('grpc.health.v1.Health on the real server (@grpc/grpc-js, no credential)', () => {
  let gateway: StartedGateway;
  let health: grpc.Client & Record<string, (...args: unknown[]) => unknown>;

  beforeAll(async () => {
    gateway = await startGateway();
    const definition = protoLoader.loadSync('grpc/health/v1/health.proto', { includeDirs: [protoDir], enums: String, defaults: true });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as { grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } } };
    health = new loaded.grpc.health.v1.Health(new URL(gateway.url).host, grpc.credentials.createInsecure()) as typeof health;
  });
  afterAll(async () => {
    health?.close();
    await gateway?.close();
  });

  const check = (service: string) =>
    new Promise<{ status: string } | grpc.ServiceError>((resolve) => {
      health['check']!({ service }, (error: grpc.ServiceError | null, answer: { status: string }) => resolve(error ?? answer));
    });

  it('Check answers SERVING for the server and the gateway services, NOT_FOUND for others', async () => {
    expect(await check('')).toEqual({ status: 'SERVING' });
    expect(await check('llmgateway.v1.CompletionService')).toEqual({ status: 'SERVING' });
    expect(await check('grpc.health.v1.Health')).toEqual({ status: 'SERVING' });
    expect(await check('no.such.Service')).toMatchObject({ code: grpc.status.NOT_FOUND });
  });

  it('Watch streams the current status first', async () => {
    const call = health['watch']!({ service: '' }) as grpc.ClientReadableStream<{ status: string }>;
    const first = await new Promise<{ status: string }>((resolve, reject) => {
      call.once('data', resolve);
      call.once('error', reject);
    });
    expect(first).toEqual({ status: 'SERVING' });
    call.on('error', () => {}); // the cancellation below ends the call with CANCELLED
    call.cancel();
  });

  it('/readyz answers from the same readiness', async () => {
    const response = await fetch(`${gateway.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });
});
