// HealthChecksService through Connect's in-memory transport: CRUD, defaults,
// validation (targets must exist), partial updates, paging, the admin token.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { durationFromMs, durationMs, timestampMs } from '@bufbuild/protobuf/wkt';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { HealthChecksService, type CreateHealthCheckRequestSchema } from '../../gen/llmgateway/v1/health_checks_service_pb.js';
import { adminHeaders, createInMemoryServices, type InMemoryServices } from '../helpers/in-memory-services.js';
import { makeProvider, makeRoute } from '../storage/fixtures.js';

const admin = { headers: adminHeaders };
type CreateInit = MessageInitShape<typeof CreateHealthCheckRequestSchema>;

async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('expected the call to fail');
}

describe('HealthChecksService', () => {
  let services: InMemoryServices;
  let client: Client<typeof HealthChecksService>;
  const createCheck = (init: CreateInit = {}) =>
    client.createHealthCheck({ name: 'primary', providerId: 'prov-1', upstreamModel: 'gpt-4o', ...init }, admin);

  beforeEach(async () => {
    services = await createInMemoryServices();
    client = createClient(HealthChecksService, services.transport);
    await services.storage.providers.insert(makeProvider());
    await services.storage.routes.insert(makeRoute({ name: 'smart', targets: [{ providerId: 'prov-1', upstreamModel: 'gpt-4o', route: '', weight: 1 }] }));
  });
  afterEach(() => services.close());

  it('creates a check with the defaults, gets, lists and deletes it', async () => {
    services.setNow(1_750_000_000_000);
    const { check } = await createCheck();
    expect(check).toMatchObject({
      name: 'primary',
      enabled: true,
      providerId: 'prov-1',
      upstreamModel: 'gpt-4o',
      route: '',
      prompt: 'Reply with OK.',
      maxOutputTokens: 16,
    });
    expect(check?.id).toMatch(/^hc_[0-9a-f]{32}$/);
    expect(durationMs(check!.interval!)).toBe(60_000);
    expect(durationMs(check!.timeout!)).toBe(30_000);
    expect(timestampMs(check!.createdAt!)).toBe(1_750_000_000_000);
    expect(services.healthCheckChanges()).toBe(1);

    expect((await client.getHealthCheck({ id: check!.id }, admin)).check).toEqual(check);
    expect((await client.listHealthChecks({}, admin)).checks).toEqual([check]);
    expect(await services.storage.healthChecks.get(check!.id)).toMatchObject({ intervalMs: 60_000, timeoutMs: 30_000 });

    await client.deleteHealthCheck({ id: check!.id }, admin);
    expect(services.healthCheckChanges()).toBe(2);
    expect((await failure(client.getHealthCheck({ id: check!.id }, admin))).code).toBe(Code.NotFound);
    expect((await failure(client.deleteHealthCheck({ id: check!.id }, admin))).code).toBe(Code.NotFound);
  });

  it('checks a route; a short interval takes a timeout no longer than itself', async () => {
    const { check } = await createCheck({ name: 'route', providerId: '', upstreamModel: '', route: 'smart', interval: durationFromMs(10_000), prompt: 'ping', maxOutputTokens: 4 });
    expect(check).toMatchObject({ route: 'smart', providerId: '', upstreamModel: '', prompt: 'ping', maxOutputTokens: 4 });
    expect(durationMs(check!.timeout!)).toBe(10_000);
  });

  it('refuses targets that do not exist, and invalid checks, naming the field', async () => {
    const cases: Array<[CreateInit, string]> = [
      [{ providerId: 'nope' }, 'provider_id: no provider has the id "nope"'],
      [{ upstreamModel: 'gpt-5' }, 'upstream_model: provider "prov-1" lists no model "gpt-5"'],
      [{ providerId: '', upstreamModel: '', route: 'missing' }, 'route: no route is named "missing" (create the route first)'],
      [{ route: 'smart' }, 'route: a check targets a route or a provider model (provider_id, upstream_model), not both'],
      [{ providerId: '', upstreamModel: '' }, 'provider_id: is required'],
      [{ upstreamModel: '' }, 'upstream_model: is required'],
      [{ name: '' }, 'name: is required'],
      [{ interval: durationFromMs(5_000) }, 'interval: must be between 10 s and 24 h'],
      [{ interval: durationFromMs(2 * 86_400_000) }, 'interval: must be between 10 s and 24 h'],
      [{ timeout: durationFromMs(500) }, 'timeout: must be between 1 s and 2 min'],
      [{ interval: durationFromMs(20_000), timeout: durationFromMs(30_000) }, 'timeout: must be at most the interval (20 s)'],
      [{ maxOutputTokens: 1000 }, 'max_output_tokens: must be between 1 and 256'],
      [{ prompt: 'x'.repeat(2001) }, 'prompt: must be at most 2000 characters'],
      [{ prompt: 'bell\u0007' }, 'prompt: must not contain control characters'],
    ];
    for (const [init, message] of cases) {
      const error = await failure(createCheck(init));
      expect(error.code, message).toBe(Code.InvalidArgument);
      expect(error.rawMessage).toContain(message);
    }
    expect(services.healthCheckChanges()).toBe(0);
    await createCheck();
    const duplicate = await failure(createCheck({ upstreamModel: 'gpt-4o-mini' }));
    expect(duplicate.code).toBe(Code.AlreadyExists);
    expect(duplicate.rawMessage).toBe('a health check named "primary" already exists');
  });

  it('updates partially, switches the target kind, validates the result and its target', async () => {
    const { check } = await createCheck();
    const id = check!.id;
    const disabled = await client.updateHealthCheck({ id, enabled: false, interval: durationFromMs(120_000) }, admin);
    expect(disabled.check).toMatchObject({ enabled: false, providerId: 'prov-1', upstreamModel: 'gpt-4o' });
    expect(durationMs(disabled.check!.interval!)).toBe(120_000);

    // A route replaces the provider model; a provider model replaces the route.
    const toRoute = await client.updateHealthCheck({ id, route: 'smart' }, admin);
    expect(toRoute.check).toMatchObject({ route: 'smart', providerId: '', upstreamModel: '' });
    expect((await failure(client.updateHealthCheck({ id, route: 'gone' }, admin))).rawMessage).toContain('route: no route is named "gone"');
    const toModel = await client.updateHealthCheck({ id, providerId: 'prov-1', upstreamModel: 'gpt-4o-mini' }, admin);
    expect(toModel.check).toMatchObject({ route: '', providerId: 'prov-1', upstreamModel: 'gpt-4o-mini' });

    // A mask clears a field back to its default; the merged check is validated as a whole.
    const cleared = await client.updateHealthCheck({ id, prompt: 'changed' }, admin);
    expect(cleared.check?.prompt).toBe('changed');
    const reset = await client.updateHealthCheck({ id, updateMask: { paths: ['prompt', 'interval'] } }, admin);
    expect(reset.check?.prompt).toBe('Reply with OK.');
    expect(durationMs(reset.check!.interval!)).toBe(60_000);
    expect((await failure(client.updateHealthCheck({ id, timeout: durationFromMs(90_000) }, admin))).rawMessage).toBe(
      'timeout: must be at most the interval (1 min)',
    );
    expect((await failure(client.updateHealthCheck({ id, updateMask: { paths: ['id'] } }, admin))).code).toBe(Code.InvalidArgument);
    expect((await failure(client.updateHealthCheck({ id }, admin))).rawMessage).toContain('the request changes nothing');
    expect((await failure(client.updateHealthCheck({ id: 'hc_missing', enabled: true }, admin))).code).toBe(Code.NotFound);
    expect(services.healthCheckChanges()).toBe(6);
  });

  it('lists in id order, a page at a time', async () => {
    for (const name of ['a', 'b', 'c']) await createCheck({ name });
    const first = await client.listHealthChecks({ pageSize: 2 }, admin);
    expect(first.checks).toHaveLength(2);
    const second = await client.listHealthChecks({ pageSize: 2, pageToken: first.nextPageToken }, admin);
    expect(second.checks).toHaveLength(1);
    expect(second.nextPageToken).toBe('');
    const ids = [...first.checks, ...second.checks].map((check) => check.id);
    expect(ids).toEqual([...ids].sort());
  });

  it('requires the admin token on every method', async () => {
    const { check } = await createCheck();
    const id = check!.id;
    const calls = [
      client.createHealthCheck({ name: 'x' }),
      client.getHealthCheck({ id }),
      client.listHealthChecks({}),
      client.updateHealthCheck({ id, enabled: false }),
      client.deleteHealthCheck({ id }),
      client.listHealthCheckRuns({}),
      client.getHealthCheckStatus({ id }),
      client.listHealthCheckStatuses({}),
    ];
    for (const call of calls) expect((await failure(call)).code).toBe(Code.Unauthenticated);
    expect((await client.getHealthCheck({ id }, admin)).check?.enabled).toBe(true);
  });
});
