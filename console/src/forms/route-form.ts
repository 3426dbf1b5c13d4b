// The route editor's form ↔ the RoutesService messages: strategy, targets with weights, the
// dispatch settings, and (for the expert strategy) the expert routing as a whole.
import { clone, create } from '@bufbuild/protobuf';
import { durationFromMs, FieldMaskSchema, type Duration } from '@bufbuild/protobuf/wkt';
import {
  CreateRouteRequestSchema,
  ExpertClassifierSchema,
  ExpertClassifierType,
  ExpertRoutingSchema,
  ExpertSchema,
  RouteSettingsSchema,
  RouteStrategy,
  RouteTargetSchema,
  UpdateRouteRequestSchema,
  type CreateRouteRequest,
  type ExpertRouting,
  type Route,
  type RouteSettings,
  type UpdateRouteRequest,
} from '../../../gen/llmgateway/v1/routes_service_pb.js';
import { durationMs } from '../format/format.js';
import { changedPaths, fieldProblem, splitList, wholeNumber } from './form-values.js';

/** Where a target or an expert sends a request: a provider's model, or a route. */
export interface Target {
  providerId: string;
  upstreamModel: string;
  route: string;
}

export interface TargetRow {
  /** `provider-id/upstream-model`, or a route name. */
  target: string;
  weight: string;
  /** Out of rotation: tried only when the targets in rotation cannot serve. */
  drained: boolean;
  /** The target as loaded: while the text is unchanged it is sent as it was (a route named `team/smart` stays a route). */
  stored?: Target | undefined;
}

export interface ExpertRow {
  name: string;
  description: string;
  /** `provider-id/upstream-model`, or a route name. */
  target: string;
}

export interface RouteForm {
  name: string;
  description: string;
  strategy: RouteStrategy;
  enabled: boolean;
  targets: TargetRow[];
  /** '' = the gateway's defaults. */
  maxRetries: string;
  attemptTimeoutSeconds: string;
  totalDeadlineSeconds: string;
  failoverStatuses: string;
  experts: ExpertRow[];
  fallbackExpert: string;
  judgeModel: string;
  /**
   * The stored route's settings and expert routing, kept so that what the form does not show (backoff,
   * affinity, a rules or embedding classifier, preprocessing, experts' prompts and examples) survives an edit.
   */
  stored?: { settings: RouteSettings | undefined; expert: ExpertRouting | undefined };
}

export function emptyRouteForm(): RouteForm {
  return {
    name: '',
    description: '',
    strategy: RouteStrategy.PRIORITY,
    enabled: true,
    targets: [{ target: '', weight: '', drained: false }],
    maxRetries: '',
    attemptTimeoutSeconds: '',
    totalDeadlineSeconds: '',
    failoverStatuses: '',
    experts: [],
    fallbackExpert: '',
    judgeModel: '',
  };
}

/**
 * The target the text names: the target as loaded while its text is unchanged; an existing route's name (route
 * names may hold "/") → that route; else `provider/model` → a provider target, and a bare name → a route.
 */
export function parseTarget(text: string, routeNames: readonly string[] = [], stored?: Target): Target {
  const value = text.trim();
  if (stored && value === targetText(stored)) return { providerId: stored.providerId, upstreamModel: stored.upstreamModel, route: stored.route };
  if (routeNames.includes(value)) return { providerId: '', upstreamModel: '', route: value };
  const slash = value.indexOf('/');
  if (slash > 0) return { providerId: value.slice(0, slash), upstreamModel: value.slice(slash + 1), route: '' };
  return { providerId: '', upstreamModel: '', route: value };
}

function targetText(target: Target): string {
  return target.route || `${target.providerId}/${target.upstreamModel}`;
}

const seconds = (duration: Duration | undefined) => (duration ? String(durationMs(duration) / 1000) : '');

export function routeToForm(route: Route): RouteForm {
  return {
    name: route.name,
    description: route.description,
    strategy: route.strategy,
    enabled: route.enabled,
    targets: route.targets.map((target) => ({ target: targetText(target), weight: target.weight ? String(target.weight) : '', drained: target.drained, stored: target })),
    maxRetries: route.settings?.maxRetries === undefined ? '' : String(route.settings.maxRetries),
    attemptTimeoutSeconds: seconds(route.settings?.attemptTimeout),
    totalDeadlineSeconds: seconds(route.settings?.totalDeadline),
    failoverStatuses: route.settings?.failoverStatuses.join(', ') ?? '',
    experts: route.expert?.experts.map((expert) => ({ name: expert.name, description: expert.description, target: targetText(expert) })) ?? [],
    fallbackExpert: route.expert?.fallbackExpert ?? '',
    judgeModel: route.expert?.classifier?.judgeModel ?? '',
    stored: { settings: route.settings, expert: route.expert },
  };
}

function optionalSeconds(field: string, text: string): Duration | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw fieldProblem(field, 'seconds');
  return durationFromMs(Math.round(value * 1000));
}

/** The form rows of the targets sent: blank rows are left out, so the API's `targets[i]` is the i-th of these. */
function sentTargetRows(form: RouteForm): number[] {
  return form.targets.flatMap((row, index) => (row.target.trim() === '' ? [] : [index]));
}

/** An API field path naming `targets[i]` (counted over the targets sent) → the same path on the form's row. */
export function targetFieldOnForm(form: RouteForm, field: string): string {
  const match = /^targets\[(\d+)\]/.exec(field);
  const row = match ? sentTargetRows(form)[Number(match[1])] : undefined;
  return match && row !== undefined ? `targets[${row}]${field.slice(match[0].length)}` : field;
}

/** `routeNames`: the routes that exist, so that a target naming one is sent as that route. */
function routeFields(form: RouteForm, routeNames: readonly string[]) {
  const expertStrategy = form.strategy === RouteStrategy.EXPERT;
  // The console's own checks name the form's row (blank rows included), as the editor labels them.
  const targets = sentTargetRows(form).map((index) => {
    const row = form.targets[index]!;
    return create(RouteTargetSchema, { ...parseTarget(row.target, routeNames, row.stored), weight: wholeNumber(`targets[${index}].weight`, row.weight), drained: row.drained });
  });
  const statuses = splitList(form.failoverStatuses).map((status) => {
    if (!/^\d{3}$/.test(status)) throw fieldProblem('settings.failover_statuses', 'statuses');
    return Number(status);
  });
  const settings = form.stored?.settings ? clone(RouteSettingsSchema, form.stored.settings) : create(RouteSettingsSchema);
  settings.maxRetries = form.maxRetries.trim() === '' ? undefined : wholeNumber('settings.max_retries', form.maxRetries);
  settings.attemptTimeout = optionalSeconds('settings.attempt_timeout', form.attemptTimeoutSeconds);
  settings.totalDeadline = optionalSeconds('settings.total_deadline', form.totalDeadlineSeconds);
  settings.failoverStatuses = statuses;
  return {
    description: form.description.trim(),
    strategy: form.strategy,
    enabled: form.enabled,
    targets,
    settings,
    expert: expertStrategy ? expertRouting(form, routeNames) : undefined,
  };
}

function expertRouting(form: RouteForm, routeNames: readonly string[]): ExpertRouting {
  const stored = form.stored?.expert;
  const routing = stored ? clone(ExpertRoutingSchema, stored) : create(ExpertRoutingSchema, { classifier: create(ExpertClassifierSchema, { type: ExpertClassifierType.LLM }) });
  routing.experts = form.experts.map((row) => {
    const before = stored?.experts.find((expert) => expert.name === row.name.trim());
    const expert = before ? clone(ExpertSchema, before) : create(ExpertSchema);
    Object.assign(expert, { name: row.name.trim(), description: row.description.trim(), ...parseTarget(row.target, routeNames, before) });
    return expert;
  });
  routing.fallbackExpert = form.fallbackExpert.trim();
  const classifier = routing.classifier ?? create(ExpertClassifierSchema, { type: ExpertClassifierType.LLM });
  if (classifier.type === ExpertClassifierType.LLM || classifier.type === ExpertClassifierType.UNSPECIFIED) classifier.judgeModel = form.judgeModel.trim();
  routing.classifier = classifier;
  return routing;
}

export function toCreateRouteRequest(form: RouteForm, routeNames: readonly string[] = []): CreateRouteRequest {
  return create(CreateRouteRequestSchema, { name: form.name.trim(), ...routeFields(form, routeNames) });
}

/** What each updatable field is made of on the form (settings and the expert routing are sent whole). */
const ROUTE_VALUES: Record<string, (form: RouteForm) => unknown> = {
  description: (form) => form.description.trim(),
  strategy: (form) => form.strategy,
  targets: (form) => sentTargetRows(form).map((index) => [form.targets[index]!.target.trim(), form.targets[index]!.weight.trim(), form.targets[index]!.drained]),
  settings: (form) => [form.maxRetries.trim(), form.attemptTimeoutSeconds.trim(), form.totalDeadlineSeconds.trim(), splitList(form.failoverStatuses)],
  enabled: (form) => form.enabled,
  expert: (form) => [form.experts, form.fallbackExpert.trim(), form.judgeModel.trim()],
};

/**
 * The update of `route` (as loaded into the form): only the fields the user changed, at the version loaded (an
 * edit made meanwhile elsewhere gets the save refused, ABORTED, rather than overwritten). The expert routing travels only with the expert strategy, and always when switching to it.
 */
export function toUpdateRouteRequest(route: Route, form: RouteForm, routeNames: readonly string[] = []): UpdateRouteRequest {
  const fields = routeFields(form, routeNames);
  const changed = changedPaths(routeToForm(route), form, ROUTE_VALUES);
  const paths = changed.filter((path) => path !== 'expert' || fields.expert);
  if (fields.expert && changed.includes('strategy') && !paths.includes('expert')) paths.push('expert');
  return create(UpdateRouteRequestSchema, { name: route.name, ...fields, expectedVersion: route.version, updateMask: create(FieldMaskSchema, { paths }) });
}
