// Route administration: validation, the graph rules (references exist, no
// cycles, bounded nesting) and storage. Transport-agnostic.
import type {
  CreateRouteRequest,
  ExpertDecision,
  ListExpertDecisionsRequest,
  ListRoutesRequest,
  Route,
  UpdateRouteRequest,
} from '../../../../gen/llmgateway/v1/routes_service_pb.js';
import { RouteStrategy } from '../../../../gen/llmgateway/v1/routes_service_pb.js';
import type { ExpertDecisionsRepository, ExpertRoutingRecord } from '../../../domain/expert-routing.js';
import type { RouteRecord, RoutesRepository, RouteStrategyName, RouteTargetRecord, RouteWriteScope } from '../../../domain/route.js';
import { alreadyExists, GatewayError, invalidArgument, notFound } from '../../../domain/gateway-error.js';
import { pageRequest, pageResponse } from '../paging.js';
import { storedRecords } from '../stored-records.js';
import { changedSinceRead, expectedVersionOf, versionedToProto, withVersion } from '../record-version.js';
import { INITIAL_VERSION, type Versioned } from '../../../domain/versioned-record.js';
import { fieldsToUpdate } from '../partial-update.js';
import { refuseWhileUsed, type ReferenceFinder } from '../references.js';
import { optionalText } from '../validate.js';
import { expertDecisionToProto } from './expert-conversion.js';
import { checkExpertTargetsExist, expertTargets, validateExpertRouting } from './expert-validation.js';
import { loadLinearRegexEngine } from '../../regex/linear-regex.js';
import { routeRecordToProto } from './route-conversion.js';
import { mergedSettings, splitSettingsMask } from './settings-mask.js';
import {
  checkRouteGraph,
  checkTargetsExist,
  flattenProviderTargets,
  routesTargeting,
  type ProviderTargetRef,
} from './route-graph.js';
import {
  providerPrefixOf,
  refuseProviderAddress,
  validateRouteName,
  validateSettings,
  validateStrategy,
  validateTargets,
} from './route-validation.js';

export interface RouteAdminOptions {
  /** Provider targets are checked against the stored providers and their models, under the routes' write lock. */
  routes: RoutesRepository;
  /** A route that health checks or prompt rules use is not deleted from under them. */
  references: Pick<ReferenceFinder, 'usersOfRoute'>;
  /** Called after every write so the in-memory route table reloads. */
  onChange: () => void;
  now?: () => number;
  /** Recorded expert decisions; ListExpertDecisions is unavailable without it. */
  expertDecisions?: ExpertDecisionsRepository;
}

export interface RouteAdmin {
  create(request: CreateRouteRequest): Promise<Route>;
  get(name: string): Promise<Route>;
  list(request: ListRoutesRequest): Promise<{ routes: Route[]; nextPageToken: string }>;
  update(request: UpdateRouteRequest): Promise<Route>;
  delete(name: string): Promise<void>;
  /** Every provider target the route reaches (nested routes flattened, each once), in order. */
  providerTargets(name: string): Promise<ProviderTargetRef[]>;
  listExpertDecisions(request: ListExpertDecisionsRequest): Promise<{ decisions: ExpertDecision[]; nextPageToken: string }>;
}

/** An expert route's targets are derived from its experts; other routes may not carry an expert config. */
function strategyTargets(
  name: string,
  strategy: RouteStrategyName,
  request: { targets: CreateRouteRequest['targets']; expert?: CreateRouteRequest['expert'] },
): { targets: RouteTargetRecord[]; expert: ExpertRoutingRecord | undefined } {
  if (strategy !== 'expert') {
    if (request.expert !== undefined) throw invalidArgument('expert', 'is only allowed with ROUTE_STRATEGY_EXPERT');
    return { targets: validateTargets(name, request.targets), expert: undefined };
  }
  if (request.targets.length > 0) throw invalidArgument('targets', 'must be empty on an expert route: each expert names its target');
  const expert = validateExpertRouting(name, request.expert);
  return { targets: expertTargets(expert), expert };
}

const MAX_DESCRIPTION = 1000;

export function createRouteAdmin(options: RouteAdminOptions): RouteAdmin {
  const now = options.now ?? Date.now;
  const { routes } = options;
  // Graph checks read every route and then write one. Every route write runs under the routes' write
  // lock (routes-repository.ts), which every process on the database takes, so two concurrent saves —
  // here or on another replica or worker — cannot each pass the cycle check and together close a cycle.
  const exclusive = <T>(work: (scope: RouteWriteScope) => Promise<T>): Promise<T> => routes.underWriteLock(work);

  const records = storedRecords({ repository: routes, kind: 'route', keyField: 'name', trimKey: true });
  const { requireKey: requireName, load } = records;
  const toProto = versionedToProto(routeRecordToProto);

  const loadAll = async (from: Pick<RoutesRepository, 'listAll'> = routes) => new Map((await from.listAll()).map((route) => [route.name, route]));

  const checkTargets = async (name: string, targets: RouteTargetRecord[], stored: ReadonlyMap<string, RouteRecord>, scope: RouteWriteScope) => {
    await checkTargetsExist(targets, stored, scope.providers);
    checkRouteGraph(name, targets, stored);
  };

  return {
    async create(request) {
      const name = validateRouteName('name', request.name);
      const description = optionalText('description', request.description, MAX_DESCRIPTION);
      const strategy = validateStrategy(request.strategy);
      // Validating RULES compiles their patterns on the linear-time engine, loaded on first need.
      if (request.expert !== undefined) await loadLinearRegexEngine();
      const { targets, expert } = strategyTargets(name, strategy, request);
      const settings = validateSettings(request.settings);
      const record = await exclusive(async (scope) => {
        const stored = await loadAll(scope.routes);
        if (stored.has(name)) throw alreadyExists('route', name);
        const prefix = providerPrefixOf(name);
        if (prefix !== '' && (await scope.providers.get(prefix)) !== null) refuseProviderAddress('name', name, prefix);
        if (expert) await checkExpertTargetsExist(expert, stored, scope.providers);
        await checkTargets(name, targets, stored, scope);
        const instant = now();
        const created: RouteRecord = {
          name,
          description,
          strategy,
          targets,
          settings,
          enabled: request.enabled ?? true,
          createdAt: instant,
          updatedAt: instant,
          ...(expert ? { expert } : {}),
        };
        await scope.routes.insert(created);
        return created;
      });
      options.onChange();
      return withVersion(routeRecordToProto(record), INITIAL_VERSION);
    },

    async get(name) {
      return toProto(await records.loadVersioned(name));
    },

    async list(request) {
      return pageResponse('routes', await routes.listVersioned(pageRequest(request)), toProto);
    },

    async update(request) {
      const name = requireName(request.name);
      const expectedVersion = expectedVersionOf(request);
      const settingsMask = splitSettingsMask(request.updateMask);
      // Only settings.* paths: nothing else is updated (an empty mask would mean "what the request carries").
      const onlySettings = settingsMask.settings.length > 0 && settingsMask.rest!.paths.length === 0;
      const present = {
        description: request.description !== undefined,
        strategy: request.strategy !== RouteStrategy.UNSPECIFIED,
        targets: request.targets.length > 0,
        settings: request.settings !== undefined,
        enabled: request.enabled !== undefined,
        expert: request.expert !== undefined,
      };
      const fields: ReadonlySet<keyof typeof present> = onlySettings ? new Set() : fieldsToUpdate(settingsMask.rest, present);
      const changes: Partial<RouteRecord> = {};
      if (fields.has('description')) {
        changes.description = optionalText('description', request.description ?? '', MAX_DESCRIPTION);
      }
      if (fields.has('strategy')) changes.strategy = validateStrategy(request.strategy);
      // A message replaces the stored one as a whole; its unset fields take the defaults.
      if (fields.has('settings')) changes.settings = validateSettings(request.settings);
      if (fields.has('enabled')) changes.enabled = request.enabled ?? false;
      const written = await exclusive(async (scope): Promise<Versioned<RouteRecord>> => {
        // Under the write lock the route cannot change between this read and the write below.
        const read = await scope.routes.getVersioned(name);
        if (!read) throw notFound('route', name);
        if (expectedVersion !== undefined && read.version !== expectedVersion) throw changedSinceRead('route', name, expectedVersion, read.version);
        const current = read.record;
        if (settingsMask.settings.length > 0) changes.settings = validateSettings(mergedSettings(current.settings, request.settings, settingsMask.settings));
        const stored = await loadAll(scope.routes);
        const strategy = changes.strategy ?? current.strategy;
        if (strategy === 'expert') {
          if (fields.has('targets') && request.targets.length > 0) {
            throw invalidArgument('targets', 'must be empty on an expert route: each expert names its target');
          }
          // The expert config and the targets derived from it change together.
          if (fields.has('expert')) await loadLinearRegexEngine();
          const expert = fields.has('expert') ? validateExpertRouting(name, request.expert) : current.expert;
          if (expert === undefined) throw invalidArgument('expert', 'is required with ROUTE_STRATEGY_EXPERT');
          if (fields.has('expert')) await checkExpertTargetsExist(expert, stored, scope.providers);
          changes.targets = expertTargets(expert);
          changes.expert = expert;
        } else {
          if (fields.has('expert') && request.expert !== undefined) {
            throw invalidArgument('expert', 'is only allowed with ROUTE_STRATEGY_EXPERT');
          }
          if (fields.has('targets')) changes.targets = validateTargets(name, request.targets);
          else if (current.strategy === 'expert') throw invalidArgument('targets', 'are required when a route stops being an expert route');
        }
        if (changes.targets) await checkTargets(name, changes.targets, stored, scope);
        const { expert: _dropped, ...base } = { ...current, ...changes, updatedAt: now() };
        const next: RouteRecord = changes.expert === undefined ? base : { ...base, expert: changes.expert };
        const outcome = await scope.routes.replaceIfVersion(next, read.version);
        if (outcome === 'missing') throw notFound('route', name);
        // Only a write that skipped the lock could do this; the route's state is then unknown here.
        if (outcome === 'changed') throw new GatewayError('unavailable', `route "${name}" changed while this update was applied; try again`, { retryable: true });
        return { record: next, version: read.version + 1 };
      });
      options.onChange();
      return toProto(written);
    },

    async delete(name) {
      const trimmed = requireName(name);
      // Before the write lock: health checks and prompt rules are read outside its transaction, which on
      // SQLite holds the one connection (they check their route exists as they are saved, likewise outside).
      refuseWhileUsed(`route "${trimmed}" is`, await options.references.usersOfRoute(trimmed));
      await exclusive(async (scope) => {
        const stored = await loadAll(scope.routes);
        if (!stored.has(trimmed)) throw notFound('route', trimmed);
        const users = routesTargeting(trimmed, stored);
        if (users.length > 0) {
          const named = users.map((user) => `"${user}"`).join(', ');
          throw new GatewayError(
            'failed_precondition',
            `route "${trimmed}" is a target of route${users.length > 1 ? 's' : ''} ${named}; remove it there first`,
          );
        }
        if (!(await scope.routes.delete(trimmed))) throw notFound('route', trimmed);
      });
      options.onChange();
    },

    async providerTargets(name) {
      const record = await load(name);
      // Only routes with nested routes need the others.
      if (record.targets.every((target) => target.route === '')) return flattenProviderTargets(record, new Map());
      return flattenProviderTargets(record, await loadAll());
    },

    async listExpertDecisions(request) {
      const name = requireName(request.route);
      const repository = options.expertDecisions;
      if (!repository) throw new GatewayError('unimplemented', 'expert decisions are not recorded by this gateway');
      const record = await load(name);
      if (record.strategy !== 'expert') throw new GatewayError('failed_precondition', `route "${name}" is not an expert route`);
      const page = await repository.list({ route: name, ...pageRequest(request) });
      return pageResponse('decisions', page, expertDecisionToProto);
    },
  };
}
