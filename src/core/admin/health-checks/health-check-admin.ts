// Health-check administration: validation (the target must exist) and storage. Transport-agnostic.
import { randomUUID } from 'node:crypto';
import type {
  CreateHealthCheckRequest,
  HealthCheck,
  ListHealthChecksRequest,
  UpdateHealthCheckRequest,
} from '../../../../gen/llmgateway/v1/health_checks_service_pb.js';
import type { HealthCheckRecord, HealthChecksRepository } from '../../../domain/health-check.js';
import type { ProvidersRepository } from '../../../domain/provider.js';
import type { RoutesRepository } from '../../../domain/route.js';
import { GatewayError, invalidArgument } from '../../../domain/gateway-error.js';
import { pageRequest, pageResponse } from '../paging.js';
import { fieldsToUpdate } from '../partial-update.js';
import { reportingConflict, storedRecords } from '../stored-records.js';
import { expectedVersionOf, versionedToProto, withVersion } from '../record-version.js';
import { INITIAL_VERSION } from '../../../domain/versioned-record.js';
import { healthCheckToProto } from './health-check-conversion.js';
import { validateHealthCheck, type HealthCheckFields, type HealthCheckInput } from './health-check-validation.js';

export interface HealthCheckAdminOptions {
  checks: HealthChecksRepository;
  /** Where a target is looked up when a check is saved (a check of nothing would only ever fail). */
  providers: Pick<ProvidersRepository, 'get'>;
  routes: Pick<RoutesRepository, 'get'>;
  /** Called after every write so the runner reschedules. */
  onChange: () => void;
  now?: () => number;
}

export interface HealthCheckAdmin {
  create(request: CreateHealthCheckRequest): Promise<HealthCheck>;
  get(id: string): Promise<HealthCheck>;
  list(request: ListHealthChecksRequest): Promise<{ checks: HealthCheck[]; nextPageToken: string }>;
  update(request: UpdateHealthCheckRequest): Promise<HealthCheck>;
  delete(id: string): Promise<void>;
}

export function createHealthCheckAdmin(options: HealthCheckAdminOptions): HealthCheckAdmin {
  const now = options.now ?? Date.now;
  const { checks } = options;
  const records = storedRecords({ repository: checks, kind: 'health check', keyField: 'id', trimKey: true });
  const toProto = versionedToProto(healthCheckToProto);

  const requireTarget = async (fields: HealthCheckFields) => {
    if (fields.route !== '') {
      if (await options.routes.get(fields.route)) return;
      throw invalidArgument('route', `no route is named "${fields.route}" (create the route first)`);
    }
    const provider = await options.providers.get(fields.providerId);
    if (!provider) throw invalidArgument('provider_id', `no provider has the id "${fields.providerId}"`);
    if (!provider.models.some((model) => model.upstreamModel === fields.upstreamModel)) {
      throw invalidArgument('upstream_model', `provider "${fields.providerId}" lists no model "${fields.upstreamModel}"`);
    }
  };

  const conflict = (fields: HealthCheckFields) =>
    new GatewayError('already_exists', `a health check named "${fields.name}" already exists`, { field: 'name' });

  return {
    async create(request) {
      const fields = validateHealthCheck({ ...request, enabled: request.enabled ?? true });
      await requireTarget(fields);
      const instant = now();
      const record: HealthCheckRecord = { id: `hc_${randomUUID().replace(/-/g, '')}`, ...fields, createdAt: instant, updatedAt: instant };
      await reportingConflict(() => checks.insert(record), () => conflict(fields));
      options.onChange();
      return withVersion(healthCheckToProto(record), INITIAL_VERSION);
    },

    async get(id) {
      return toProto(await records.loadVersioned(id));
    },

    async list(request) {
      return pageResponse('checks', await checks.listVersioned(pageRequest(request)), toProto);
    },

    async update(request) {
      const id = records.requireKey(request.id);
      const expectedVersion = expectedVersionOf(request);
      const fields = fieldsToUpdate(request.updateMask, {
        name: request.name !== undefined,
        enabled: request.enabled !== undefined,
        provider_id: request.providerId !== undefined,
        upstream_model: request.upstreamModel !== undefined,
        route: request.route !== undefined,
        interval: request.interval !== undefined,
        timeout: request.timeout !== undefined,
        prompt: request.prompt !== undefined,
        max_output_tokens: request.maxOutputTokens !== undefined,
      });
      // The check as stored when the write lands (re-read if another write came first) is what is merged into.
      let validated: HealthCheckFields | undefined;
      const next = await reportingConflict(
        () =>
          records.update(id, async (current) => {
            const stored = healthCheckToProto(current);
            const merged: HealthCheckInput = { ...stored };
            if (fields.has('name')) merged.name = request.name ?? '';
            if (fields.has('enabled')) merged.enabled = request.enabled ?? false;
            // A new kind of target replaces the old one, unless the request also sets the old kind's fields.
            const setsModel = fields.has('provider_id') || fields.has('upstream_model');
            if (setsModel && !fields.has('route')) merged.route = '';
            if (fields.has('route') && !setsModel) Object.assign(merged, { providerId: '', upstreamModel: '' });
            if (fields.has('provider_id')) merged.providerId = request.providerId ?? '';
            if (fields.has('upstream_model')) merged.upstreamModel = request.upstreamModel ?? '';
            if (fields.has('route')) merged.route = request.route ?? '';
            // A cleared duration (named in the mask, unset) goes back to its default.
            if (fields.has('interval')) merged.interval = request.interval;
            if (fields.has('timeout')) merged.timeout = request.timeout;
            if (fields.has('prompt')) merged.prompt = request.prompt ?? '';
            if (fields.has('max_output_tokens')) merged.maxOutputTokens = request.maxOutputTokens ?? 0;
            validated = validateHealthCheck(merged);
            if (setsModel || fields.has('route')) await requireTarget(validated);
            return { ...current, ...validated, updatedAt: now() };
          }, expectedVersion),
        () => conflict(validated!),
      );
      options.onChange();
      return toProto(next);
    },

    async delete(id) {
      await records.delete(id);
      options.onChange();
    },
  };
}
