// OpenAI's media endpoints (images, audio, moderations) through the plain
// pipeline: the model is planned like any other (routes, aliases, the key's
// allowed models), only targets whose family has the endpoint are kept (the
// OpenAI family's adapters, but Azure's for moderations), and the dispatcher retries and fails over among
// them. No target able to serve it: a 400 that says why. Cost: the token
// usage where the provider reports it, plus the per-unit prices (per image,
// per audio second, per million input characters) of the serving model.
import { create } from '@bufbuild/protobuf';
import { UsageSchema, type Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import { invalidArgument } from '../../domain/gateway-error.js';
import type { MediaOperation, MediaRequest, MediaResponse, MediaUnits } from '../../domain/media.js';
import type { ModelPricesRecord } from '../../domain/provider.js';
import type { Dispatcher } from '../routing/dispatcher.js';
import type { CallerContext } from '../routing/plan-route.js';
import type { RoutePlan } from '../routing/route-plan.js';
import { pricesFor } from '../usage/price-table.js';
import type { CoreCall } from './completion-call.js';
import { computeCostUsd } from './compute-cost.js';
import { routeInfoFor } from './route-info.js';

export const MEDIA_PATHS: Record<MediaOperation, string> = {
  'images.generations': '/v1/images/generations',
  'images.edits': '/v1/images/edits',
  'audio.transcriptions': '/v1/audio/transcriptions',
  'audio.translations': '/v1/audio/translations',
  'audio.speech': '/v1/audio/speech',
  moderations: '/v1/moderations',
};

/** Who can serve an endpoint, for the refusal's message (Azure OpenAI has no moderations API). */
const SERVED_BY = (operation: MediaOperation): string =>
  operation === 'moderations' ? 'OpenAI and OpenAI-compatible' : 'OpenAI, Azure OpenAI and OpenAI-compatible';

export interface MediaDispatchDeps {
  plan(model: string, caller: CallerContext): Promise<RoutePlan>;
  dispatcher: Dispatcher;
}

export async function dispatchMedia(deps: MediaDispatchDeps, call: CoreCall<MediaRequest>): Promise<MediaResponse> {
  const { request, key, signal } = call;
  const user = typeof request.fields['user'] === 'string' ? request.fields['user'] : '';
  const routePlan = await deps.plan(request.model, { key, accessGranted: false, sessionId: call.context?.sessionId ?? '', user });
  const able = routePlan.targets.filter((planned) => {
    const adapter = planned.provider.adapter();
    return adapter.media !== undefined && (adapter.servesMedia?.(request.operation) ?? true);
  });
  if (able.length === 0) {
    const types = [...new Set(routePlan.targets.map((planned) => planned.provider.record.type))].join(', ');
    throw invalidArgument(
      'model',
      `'${request.model}' is served by ${types} providers, which cannot serve ${MEDIA_PATHS[request.operation]}; only ${SERVED_BY(request.operation)} providers can`,
    );
  }
  const { value, served, attempts } = await deps.dispatcher.unary(
    { ...routePlan, targets: able },
    (planned, attemptSignal) => planned.provider.adapter().media!(request, planned.target, { signal: attemptSignal }),
    signal,
  );
  const usage = value.usage ?? create(UsageSchema, {});
  usage.costUsd = mediaCostUsd(value.units, usage, pricesFor(served.model));
  return { body: value.body, units: value.units, usage, route: routeInfoFor(routePlan, served, attempts), warnings: value.warnings };
}

/** Tokens at the token prices, plus each unit at its own price (a price left unset counts nothing). */
export function mediaCostUsd(units: MediaUnits, usage: Usage, prices: ModelPricesRecord | null): number {
  if (!prices) return 0;
  return (
    computeCostUsd(usage, prices) +
    units.images * (prices.perImage ?? 0) +
    units.audioSeconds * (prices.perAudioSecond ?? 0) +
    (units.characters / 1_000_000) * (prices.perMillionCharacters ?? 0)
  );
}
