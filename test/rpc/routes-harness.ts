// Shared setup for the RoutesService tests: in-memory services, clients, and
// three providers whose models the routes target.
import { afterEach, beforeEach } from 'vitest';
import { ConnectError, createClient, type Client } from '@connectrpc/connect';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { ProvidersService, ProviderType } from '../../gen/llmgateway/v1/providers_service_pb.js';
import {
  RoutesService,
  RouteSettingsSchema,
  RouteStrategy,
  RouteTargetSchema,
} from '../../gen/llmgateway/v1/routes_service_pb.js';
import { adminHeaders, createInMemoryServices, type InMemoryServices } from '../helpers/in-memory-services.js';

export type TargetInit = MessageInitShape<typeof RouteTargetSchema>;
export type SettingsInit = MessageInitShape<typeof RouteSettingsSchema>;
export interface RouteExtras {
  strategy?: RouteStrategy;
  description?: string;
  settings?: SettingsInit;
  enabled?: boolean;
}

export const adminOptions = { headers: adminHeaders };

/** p1 serves m1 and m4, p2 serves m2, p3 serves m3. */
export const PROVIDER_MODELS: Record<string, string[]> = { p1: ['m1', 'm4'], p2: ['m2'], p3: ['m3'] };

export const model = (providerId: string, upstreamModel: string, weight = 0): TargetInit => ({ providerId, upstreamModel, weight });
export const via = (route: string): TargetInit => ({ route });

export interface RoutesHarness {
  services: InMemoryServices;
  routes: Client<typeof RoutesService>;
  providers: Client<typeof ProvidersService>;
  /** Creates a PRIORITY route unless `extra` says otherwise. */
  createRoute(name: string, targets: TargetInit[], extra?: RouteExtras): ReturnType<Client<typeof RoutesService>['createRoute']>;
  /** Replaces a route's targets. */
  retarget(name: string, targets: TargetInit[]): ReturnType<Client<typeof RoutesService>['updateRoute']>;
}

/** Registers beforeEach/afterEach hooks; use the returned object inside tests. */
export function useRoutesHarness(): RoutesHarness {
  const harness = {} as RoutesHarness;
  beforeEach(async () => {
    harness.services = await createInMemoryServices();
    harness.routes = createClient(RoutesService, harness.services.transport);
    harness.providers = createClient(ProvidersService, harness.services.transport);
    for (const [id, models] of Object.entries(PROVIDER_MODELS)) {
      await harness.providers.createProvider(
        {
          id,
          name: `Provider ${id}`,
          type: ProviderType.OPENAI,
          apiKey: `sk-test-${id}-0123456789abcdef`,
          models: models.map((upstreamModel) => ({ upstreamModel })),
        },
        adminOptions,
      );
    }
    harness.createRoute = (name, targets, extra = {}) =>
      harness.routes.createRoute({ name, strategy: RouteStrategy.PRIORITY, targets, ...extra }, adminOptions);
    harness.retarget = (name, targets) =>
      harness.routes.updateRoute({ name, targets }, adminOptions);
  });
  afterEach(() => harness.services.close());
  return harness;
}

export async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  try {
    await promise;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('expected the call to fail');
}
