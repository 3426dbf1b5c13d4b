// grpc.health.v1.Health (the standard gRPC health protocol): what Kubernetes
// gRPC probes, grpc_health_probe and load balancers ask. It answers from the
// same readiness as GET /readyz. No credential is asked: a probe has none, and
// the answer tells nothing but "ready or not".
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import { setTimeout as sleep } from 'node:timers/promises';
import { Health, HealthCheckResponse_ServingStatus as ServingStatus, HealthCheckResponseSchema } from '../../gen/grpc/health/v1/health_pb.js';

export interface HealthOptions {
  isReady: () => Promise<boolean>;
  /** Fully qualified names of the services served ("" always means the server as a whole). */
  services: readonly string[];
  /** How often Watch re-checks readiness (default 5 s). */
  watchIntervalMs?: number;
}

const DEFAULT_WATCH_INTERVAL_MS = 5_000;

export function healthService(options: HealthOptions): ServiceImpl<typeof Health> {
  const known = new Set(['', ...options.services]);
  const interval = options.watchIntervalMs ?? DEFAULT_WATCH_INTERVAL_MS;
  const statusOf = async (service: string) =>
    !known.has(service) ? ServingStatus.SERVICE_UNKNOWN : (await options.isReady()) ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;

  return {
    async check(request) {
      if (!known.has(request.service)) throw new ConnectError(`unknown service "${request.service}"`, Code.NotFound);
      return create(HealthCheckResponseSchema, { status: await statusOf(request.service) });
    },
    async *watch(request, context) {
      let last: ServingStatus | undefined;
      while (!context.signal.aborted) {
        const status = await statusOf(request.service);
        if (status !== last) {
          last = status;
          yield create(HealthCheckResponseSchema, { status });
        }
        try {
          await sleep(interval, undefined, { signal: context.signal });
        } catch {
          return; // The client left (or the server is closing): the stream ends.
        }
      }
    },
  };
}
