// OpenAI's media endpoints (images, audio, moderations) through the plain
// pipeline: the model is planned like any other (routes, aliases, the key's
// allowed models), only targets whose family has the endpoint are kept (the
// OpenAI family's adapters, but Azure's for moderations), and the dispatcher retries and fails over among
// them. No target able to serve it: a 400 that says why. Cost: the token
// usage where the provider reports it, plus the per-unit prices (per image,
// per audio second, per million input characters) of the serving model. A
// streamed answer (speech audio, event streams) fails over until the upstream
// answers; its parts then pass as they come, its usage taken from the last.
import { create } from '@bufbuild/protobuf';
import { UsageSchema, type Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import { invalidArgument } from '../../domain/gateway-error.js';
import { asksForEvents, isStreamedBody, type MediaOperation, type MediaRequest, type MediaResponse, type MediaStreamPart, type MediaUnits } from '../../domain/media.js';
import type { ModelPricesRecord } from '../../domain/provider.js';
import type { Dispatcher } from '../routing/dispatcher.js';
import type { CallerContext } from '../routing/plan-route.js';
import { keepTargets, type RoutePlan } from '../routing/route-plan.js';
import { canceledError } from '../routing/attempt-run.js';
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
  const able = keepTargets(routePlan, (planned) => {
    const adapter = planned.provider.adapter();
    return adapter.media !== undefined && (adapter.servesMedia?.(request.operation) ?? true);
  });
  if (able.targets.length === 0) {
    const types = [...new Set(routePlan.targets.map((planned) => planned.provider.record.type))].join(', ');
    throw invalidArgument(
      'model',
      `'${request.model}' is served by ${types} providers, which cannot serve ${MEDIA_PATHS[request.operation]}; only ${SERVED_BY(request.operation)} providers can`,
    );
  }
  // An attempt's signal follows the caller only until the attempt ends — when the upstream has answered
  // (its headers, for a streamed answer): the caller's own keeps a streamed body abortable after that.
  const streams = request.operation === 'audio.speech' || asksForEvents(request);
  const { value, served, attempts } = await deps.dispatcher.unary(
    able,
    (planned, attemptSignal) => planned.provider.adapter().media!(request, planned.target, { signal: streams ? AbortSignal.any([attemptSignal, signal]) : attemptSignal }),
    signal,
  );
  const prices = pricesFor(served.model);
  const usage = value.usage ?? create(UsageSchema, {});
  usage.costUsd = mediaCostUsd(value.units, usage, prices);
  const body = isStreamedBody(value.body) ? { ...value.body, parts: pricedParts(value.body.parts, usage, value.units, prices, signal) } : value.body;
  return { body, units: value.units, usage, route: routeInfoFor(routePlan, served, attempts), warnings: value.warnings };
}

/**
 * A streamed body's parts on their way to the client, the usage the upstream reports at the end taken
 * into `usage` (and priced) instead of being passed on. Once the upstream answered there is no failover:
 * a failure ends the stream, and one while the caller left is a cancellation.
 */
async function* pricedParts(
  parts: AsyncIterable<MediaStreamPart>,
  usage: Usage,
  units: MediaUnits,
  prices: ModelPricesRecord | null,
  signal: AbortSignal,
): AsyncGenerator<MediaStreamPart> {
  try {
    for await (const part of parts) {
      if (part.kind !== 'usage') {
        yield part;
        continue;
      }
      usage.inputTokens = part.usage.inputTokens;
      usage.outputTokens = part.usage.outputTokens;
      usage.totalTokens = part.usage.totalTokens;
      usage.costUsd = mediaCostUsd(units, usage, prices);
    }
  } catch (error) {
    if (signal.aborted) throw canceledError(error);
    throw error;
  }
  if (signal.aborted) throw canceledError(signal.reason);
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
