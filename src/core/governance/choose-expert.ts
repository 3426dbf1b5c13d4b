// Expert routes: the classifier picks an expert, and the request is planned
// for the expert's target (with the expert's system prompt); it keeps the name
// the client asked for, as a plain route's request does. The classifier's own
// calls (an LLM judge, embeddings) go through the classifier's pipeline
// (classifier-calls.ts): a row and a budget charge of their own, marked with
// the expert route's name (`classifierOf`).
import type { ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { ExpertDecisionsRepository } from '../../domain/expert-routing.js';
import type { VirtualKeyRecord } from '../../domain/virtual-key.js';
import type { RouteRecord } from '../../domain/route.js';
import type { CompletionCore } from '../completion/completion-core.js';
import { requestContext, type RequestContext } from '../../domain/request-context.js';
import { assertModelAllowed } from '../completion/model-access.js';
import { classifierDepsVia, expertTarget, withExpertSystemPrompt, type ExpertChoice, type ExpertRouter } from '../experts/index.js';
import type { RouteTable } from '../routing/route-table.js';
import { GatewayError } from '../../domain/gateway-error.js';
import { GATEWAY } from '../tracing/gen-ai-attributes.js';

export interface ExpertSelection {
  routes: RouteTable;
  router: ExpertRouter;
  /** The pipeline of the classifier's calls: the composition root hands in classifier-calls.ts's (a row and a budget charge each). */
  pipeline: Pick<CompletionCore, 'complete' | 'embed'>;
  decisions: ExpertDecisionsRepository;
  onDecisionError?: (error: unknown) => void;
  /** Each decision as it is made (the metrics; a fallback's reason, to log a classifier that failed). */
  onDecision?: (decision: ExpertDecisionNotice) => void;
  now?: () => number;
}

export interface ExpertDecisionNotice {
  route: string;
  expert: string;
  source: string;
  /** Why the fallback expert was chosen ('error: …', 'timeout', 'no answer'); '' otherwise. */
  fallbackReason: string;
}

export interface ChosenExpert {
  /** The client's request with the expert's system prompt; its model is still the expert route's name. */
  request: ChatRequest;
  routeName: string;
  expert: string;
  /**
   * The expert's model (a route or a provider model) the request is planned for. The key may use it
   * because it may use the expert route: the plan skips its allowed-model check.
   */
  targetModel: string;
}

/** The enabled expert route the client named, if it named one. */
export function expertRouteFor(routes: ReadonlyMap<string, RouteRecord>, model: string): RouteRecord | undefined {
  const route = routes.get(model.trim());
  return route?.enabled && route.strategy === 'expert' && route.expert ? route : undefined;
}

export async function chooseExpert(
  selection: ExpertSelection,
  request: ChatRequest,
  key: VirtualKeyRecord,
  context: RequestContext,
  signal: AbortSignal,
): Promise<ChosenExpert | undefined> {
  const route = expertRouteFor(await selection.routes.snapshot(), request.model);
  if (!route?.expert) return undefined;
  // The key is checked against the expert route it named; the expert's target is the gateway's choice.
  assertModelAllowed(key.allowedModels, [route.name], request.model);
  // Traced: the classifier's own upstream calls (an LLM judge, embeddings) are children of its span.
  const classifying = context.trace?.startChild('classify expert', 'internal', { [GATEWAY.route]: route.name });
  const judgeContext = requestContext({
    surface: context.surface,
    requestId: `${context.requestId}/classifier`,
    clientIp: context.clientIp,
    userAgent: context.userAgent,
    trace: classifying,
    classifierOf: route.name,
  });
  let choice: ExpertChoice;
  try {
    choice = await selection.router.choose(
      { name: route.name, expert: route.expert },
      request,
      classifierDepsVia(selection.pipeline, key, judgeContext),
      signal,
    );
    classifying?.setAttributes({
      [GATEWAY.classifier]: choice.classifier,
      [GATEWAY.expert]: choice.expert.name,
      [GATEWAY.decisionSource]: choice.source,
      [GATEWAY.classifierTokens]: choice.tokens,
      [GATEWAY.fallbackReason]: choice.fallbackReason || undefined,
    });
  } catch (error) {
    classifying?.fail(error instanceof GatewayError ? error.kind : 'internal');
    throw error;
  } finally {
    classifying?.end();
  }
  selection.onDecision?.({ route: route.name, expert: choice.expert.name, source: choice.source, fallbackReason: choice.fallbackReason });
  selection.decisions
    .insert({
      requestId: context.requestId,
      time: (selection.now ?? Date.now)(),
      route: route.name,
      classifier: choice.classifier,
      expert: choice.expert.name,
      source: choice.source,
      latencyMs: Math.round(choice.latencyMs),
      tokens: choice.tokens,
    })
    .catch((error: unknown) => selection.onDecisionError?.(error));
  const target = expertTarget(choice.expert);
  return {
    request: withExpertSystemPrompt(request, choice.expert),
    routeName: route.name,
    expert: choice.expert.name,
    targetModel: 'route' in target ? target.route : `${target.providerId}/${target.upstreamModel}`,
  };
}
