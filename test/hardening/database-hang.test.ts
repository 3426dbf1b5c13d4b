// A database that hangs instead of refusing (README "Database outages"): the
// gateway's MariaDB is reached through a TCP proxy that freezes — connections
// stay open, nothing comes back, as with a frozen server or a blackholed link.
// Readiness must still answer, and answer "not ready": GET /readyz 503 and
// grpc.health.v1.Health NOT_SERVING (Check, and Watch's first message), asked
// the way a load balancer and grpc_health_probe ask; ready again once the
// database answers.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, inject, it, test } from 'vitest';
import { startFreezableTcpProxy, type FreezableTcpProxy } from '../fixtures/freezable-tcp-proxy.js';
import { startGateway, type StartedGateway } from '../helpers/start-gateway.js';
import { protoDir } from '../server/grpc-js-client.js';
import { createFreshMysqlDatabase, type FreshMysqlDatabase } from '../setup/mariadb.js';

const serverUrl = inject('mysqlServerUrl');
// Bounds for a probe's answer, far above the gateway's own 1 s wait: only a hang reaches them.
const PROBE_BOUND_MS = 15_000;

type HealthClient = grpc.Client & Record<string, (...args: unknown[]) => unknown>;

if (serverUrl === null) {
  test.skip(`MySQL tier NOT RUN: ${inject('mysqlUnavailableReason') ?? 'no server'}`, () => {});
} else {
  describe('a database that hangs', () => {
    let database: FreshMysqlDatabase;
    let proxy: FreezableTcpProxy;
    let started: StartedGateway;
    let health: HealthClient;

    beforeAll(async () => {
      database = await createFreshMysqlDatabase(serverUrl);
      const target = new URL(database.url);
      proxy = await startFreezableTcpProxy(target.hostname, Number(target.port || 3306));
      const proxied = new URL(database.url);
      proxied.port = String(proxy.port);
      started = await startGateway({
        DATABASE_URL: proxied.toString(),
        GATEWAY_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
        GATEWAY_ADMIN_TOKEN: 'hang-admin-token-0123456789abcdef',
        GATEWAY_LOG_LEVEL: 'info',
      });
      const definition = protoLoader.loadSync('grpc/health/v1/health.proto', { includeDirs: [protoDir], enums: String, defaults: true });
      const loaded = grpc.loadPackageDefinition(definition) as unknown as { grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } } };
      health = new loaded.grpc.health.v1.Health(new URL(started.url).host, grpc.credentials.createInsecure()) as HealthClient;
    });

    afterAll(async () => {
      health?.close();
      proxy?.thaw();
      await started?.close();
      await proxy?.close();
      await database?.drop();
    });

    const readyz = async () => {
      const response = await fetch(`${started.url}/readyz`, { signal: AbortSignal.timeout(PROBE_BOUND_MS) });
      return { status: response.status, body: (await response.json()) as object };
    };
    const check = () =>
      new Promise<{ status: string } | grpc.ServiceError>((resolve) => {
        health['check']!({ service: '' }, { deadline: Date.now() + PROBE_BOUND_MS }, (error: grpc.ServiceError | null, answer: { status: string }) => resolve(error ?? answer));
      });
    const firstWatched = async () => {
      const call = health['watch']!({ service: '' }, { deadline: Date.now() + PROBE_BOUND_MS }) as grpc.ClientReadableStream<{ status: string }>;
      try {
        return await new Promise<{ status: string } | grpc.ServiceError>((resolve) => {
          call.once('data', resolve);
          call.once('error', resolve);
        });
      } finally {
        call.on('error', () => {}); // the cancellation ends the call with CANCELLED
        call.cancel();
      }
    };

    it('answers not ready on /readyz and the gRPC health service, then ready once it answers again', { timeout: 90_000 }, async () => {
      expect(await readyz()).toEqual({ status: 200, body: { status: 'ready' } });
      expect(await check()).toEqual({ status: 'SERVING' });

      proxy.freeze();
      expect(await readyz()).toEqual({ status: 503, body: { status: 'unavailable', reason: 'database unreachable' } });
      expect(await check()).toEqual({ status: 'NOT_SERVING' });
      expect(await firstWatched()).toEqual({ status: 'NOT_SERVING' });
      // Probes keep coming while it hangs: each answers (the one ping still waiting is shared, not repeated).
      expect(await Promise.all([readyz(), readyz(), check()])).toEqual([
        { status: 503, body: { status: 'unavailable', reason: 'database unreachable' } },
        { status: 503, body: { status: 'unavailable', reason: 'database unreachable' } },
        { status: 'NOT_SERVING' },
      ]);

      // Back: the pool replaces the connections the proxy cut, and readiness follows without a restart.
      proxy.thaw();
      const deadline = Date.now() + 30_000;
      while ((await readyz()).status !== 200) {
        if (Date.now() > deadline) throw new Error('/readyz did not turn 200 after the database answered again');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(await check()).toEqual({ status: 'SERVING' });
    });

    it('a key this process never read is unavailable (503) while the database hangs, not held for the whole hang', { timeout: 90_000 }, async () => {
      const created = await fetch(`${started.url}/llmgateway.v1.KeysService/CreateKey`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer hang-admin-token-0123456789abcdef' },
        body: JSON.stringify({ name: 'never-read' }),
      });
      const { secret } = (await created.json()) as { secret: string };
      proxy.freeze();
      try {
        const response = await fetch(`${started.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
          body: JSON.stringify({ model: 'any/model', messages: [{ role: 'user', content: 'hi' }] }),
          signal: AbortSignal.timeout(PROBE_BOUND_MS), // held by the hang, it would be aborted here
        });
        expect(response.status).toBe(503);
        expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/key store/i);
      } finally {
        proxy.thaw();
      }
    });
  });
}
