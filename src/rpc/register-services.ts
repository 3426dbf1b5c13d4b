// Every Connect service the gateway serves, with its interceptors.
import type { ConnectRouter, Interceptor } from '@connectrpc/connect';
import { CompletionService, file_llmgateway_v1_completion_service } from '../../gen/llmgateway/v1/completion_service_pb.js';
import { file_llmgateway_v1_health_checks_service, HealthChecksService } from '../../gen/llmgateway/v1/health_checks_service_pb.js';
import { file_llmgateway_v1_keys_service, KeysService } from '../../gen/llmgateway/v1/keys_service_pb.js';
import {
  file_llmgateway_v1_prompt_rules_service,
  PromptRulesService,
} from '../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import { file_llmgateway_v1_providers_service, ProvidersService } from '../../gen/llmgateway/v1/providers_service_pb.js';
import { file_llmgateway_v1_routes_service, RoutesService } from '../../gen/llmgateway/v1/routes_service_pb.js';
import { file_llmgateway_v1_usage_service, UsageService } from '../../gen/llmgateway/v1/usage_service_pb.js';
import type { AdminTokenVerifier } from '../core/auth/admin-token.js';
import type { KeyAuthenticator } from '../core/auth/authenticate-key.js';
import type { GovernedCompletion } from '../core/governance/governed-completion.js';
import type { HealthCheckAdmin } from '../core/admin/health-checks/health-check-admin.js';
import type { HealthCheckHistory } from '../core/admin/health-checks/health-check-history.js';
import type { LatestResults } from '../core/health-checks/latest-results.js';
import type { KeyAdmin } from '../core/admin/keys/key-admin.js';
import type { PromptRuleAdmin } from '../core/admin/prompt-rules/prompt-rule-admin.js';
import type { ProviderAdmin } from '../core/admin/providers/provider-admin.js';
import type { ProviderProbe } from '../core/admin/providers/provider-probe.js';
import type { RouteAdmin } from '../core/admin/routes/route-admin.js';
import type { TargetHealthSource } from '../core/routing/target-health.js';
import type { UsageAdmin } from '../core/admin/usage/usage-admin.js';
import { file_grpc_health_v1_health, Health } from '../../gen/grpc/health/v1/health_pb.js';
import type { ErrorReporter } from './connect-errors.js';
import { healthService } from './health-service.js';
import { healthChecksService } from './health-checks-service.js';
import { invalidArgumentOnParseFailure } from './parse-failure-code.js';
import { completionService } from './completion-service.js';
import { adminAuthInterceptor, capacityInterceptor, carriesAdminToken, errorInterceptor } from './interceptors.js';
import { authenticateBeforeDecode } from './authenticate-before-decode.js';
import { callerDeadlineInterceptor, withTimerSizedDeadline } from './client-deadline.js';
import { keysService } from './keys-service.js';
import { promptRulesService } from './prompt-rules-service.js';
import { providersService } from './providers-service.js';
import type { UpstreamUsageReport } from '../core/admin/providers/upstream-usage.js';
import { routesService } from './routes-service.js';
import { usageService } from './usage-service.js';
import { registerReflection } from './reflection/index.js';
import { virtualKeyAuthInterceptor } from './virtual-key-auth.js';
import { refusedBodyGate } from './refused-bodies.js';

export interface RpcDependencies {
  adminToken: AdminTokenVerifier;
  authenticator: KeyAuthenticator;
  keyAdmin: KeyAdmin;
  providerAdmin: ProviderAdmin;
  providerProbe: ProviderProbe;
  /** ProvidersService.GetUpstreamUsage (core/admin/providers/upstream-usage.ts). */
  upstreamUsage: UpstreamUsageReport;
  routeAdmin: RouteAdmin;
  /** PromptRulesService. */
  promptRuleAdmin: PromptRuleAdmin;
  /** Live breaker/latency state per target, for RoutesService.GetRouteHealth. */
  targetHealth: TargetHealthSource;
  /** HealthChecksService: the checks, their runs and status. */
  healthCheckAdmin: HealthCheckAdmin;
  healthCheckHistory: HealthCheckHistory;
  /** The newest scheduled check runs, shown by RoutesService.GetRouteHealth. */
  scheduledChecks: Pick<LatestResults, 'byTarget'>;
  /** UsageService: request log, aggregates, key spend. */
  usageAdmin: UsageAdmin;
  completion: GovernedCompletion;
  reporter: ErrorReporter;
  /** The readiness behind GET /readyz, for grpc.health.v1.Health. */
  isReady: () => Promise<boolean>;
  /** Health.Watch re-check interval (tests shorten it). */
  healthWatchIntervalMs?: number;
}

export const SERVED_FILES = [
  file_llmgateway_v1_completion_service,
  file_llmgateway_v1_keys_service,
  file_llmgateway_v1_prompt_rules_service,
  file_llmgateway_v1_providers_service,
  file_llmgateway_v1_routes_service,
  file_llmgateway_v1_usage_service,
  file_llmgateway_v1_health_checks_service,
  file_grpc_health_v1_health,
];

type Interceptors = { interceptors: Interceptor[] };

/**
 * The admin services refuse JSON fields they do not know (invalid_argument naming the field): a typo
 * such as `allowedModel` would otherwise create a key without the restriction it was meant to have,
 * while gateway.yaml refuses the same typo. The proto3 JSON mapping lets parsers reject unknown fields
 * (https://protobuf.dev/programming-guides/json/#json-options); connect-es ignores them by default.
 * CompletionService keeps ignoring them: clients built on a newer contract may send newer fields.
 * Binary requests keep their unknown fields as protobuf does.
 */
const STRICT_JSON = { ignoreUnknownFields: false };

const ADMIN_SERVICES = [KeysService, ProvidersService, RoutesService, UsageService, PromptRulesService, HealthChecksService];

function registerAdminServices(router: ConnectRouter, dependencies: RpcDependencies, interceptors: Interceptors): void {
  const admin = { ...interceptors, jsonOptions: STRICT_JSON };
  router.service(KeysService, keysService(dependencies.keyAdmin), admin);
  router.service(ProvidersService, providersService(dependencies.providerAdmin, dependencies.providerProbe, dependencies.upstreamUsage), admin);
  router.service(RoutesService, routesService(dependencies.routeAdmin, dependencies.targetHealth, dependencies.scheduledChecks), admin);
  router.service(UsageService, usageService(dependencies.usageAdmin), admin);
  router.service(PromptRulesService, promptRulesService(dependencies.promptRuleAdmin), admin);
  router.service(HealthChecksService, healthChecksService(dependencies.healthCheckAdmin, dependencies.healthCheckHistory), admin);
}

/**
 * The admin services without the admin credential, for an in-process transport only (createRouterTransport:
 * never mounted on a port) — how the gateway applies GATEWAY_CONFIG_FILE through the same service code
 * the CLI calls over HTTP.
 */
export function registerInProcessAdminServices(router: ConnectRouter, dependencies: RpcDependencies): void {
  registerAdminServices(router, dependencies, { interceptors: [errorInterceptor(dependencies.reporter)] });
}

export function registerRpcServices(router: ConnectRouter, dependencies: RpcDependencies): void {
  const errors = errorInterceptor(dependencies.reporter);
  // Interceptors run outermost first: errors wrap authentication too.
  registerAdminServices(router, dependencies, { interceptors: [errors, adminAuthInterceptor(dependencies.adminToken)] });
  router.service(CompletionService, completionService(dependencies.completion), {
    // Only the data plane is refused by the in-flight cap (server/in-flight-limit.ts), not admin or health calls.
    interceptors: [errors, capacityInterceptor(), virtualKeyAuthInterceptor(dependencies.authenticator), callerDeadlineInterceptor()],
    // A call refused before its message was decoded is logged once its key is known (refused-bodies.ts).
    requestGate: refusedBodyGate(dependencies),
  });
  router.service(
    Health,
    healthService({
      isReady: dependencies.isReady,
      services: SERVED_FILES.flatMap((file) => file.services.map((service) => service.typeName)),
      ...(dependencies.healthWatchIntervalMs === undefined ? {} : { watchIntervalMs: dependencies.healthWatchIntervalMs }),
    }),
    { interceptors: [errors] },
  );
  registerReflection(router, SERVED_FILES);
  const adminServices = new Set(ADMIN_SERVICES.map((service) => service.typeName));
  const admitted = carriesAdminToken(dependencies.adminToken);
  router.handlers.forEach((handler, index) => {
    // Undecodable binary requests are the client's fault on every protocol (parse-failure-code.ts); an admin
    // call without the token is refused as such before its body is decoded (authenticate-before-decode.ts);
    // a deadline longer than a timer holds is none (client-deadline.ts).
    const checked = adminServices.has(handler.service.typeName) ? authenticateBeforeDecode(handler, admitted) : handler;
    router.handlers[index] = withTimerSizedDeadline(invalidArgumentOnParseFailure(checked));
  });
}
