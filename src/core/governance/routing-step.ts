// The governance step that decides what is sent where, before the cache
// lookup and the dispatch: an expert route picks its expert (the request is
// then planned for the expert's model, and keeps the name the client asked
// for, which the answer, the request log and the metrics show, as for any
// route), the request is planned once (the plan travels with the call to the
// cache key and the dispatch), and the prompt rules of the key and of the
// route the client named are applied. The route info the answer reports
// names the rules applied, and for an expert route the route and the expert.
// When the routes, providers and rules are in memory and the client named no
// expert route (the common case), the step enters synchronously: no promise
// per lookup on every request; otherwise it waits for what must be loaded.
import type { ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { PromptRuleRecord } from '../../domain/prompt-rule.js';
import type { CompletionCore } from '../completion/completion-core.js';
import { applyPromptRules } from '../prompt-rules/apply-prompt-rules.js';
import type { PromptRuleTable } from '../prompt-rules/prompt-rule-table.js';
import type { RoutePlan } from '../routing/route-plan.js';
import { chooseExpert, expertRouteFor, type ChosenExpert, type ExpertSelection } from './choose-expert.js';
import type { ChatCall, GovernanceStep, StepRun } from './governance-step.js';

export interface RoutingStepOptions {
  /** The plain pipeline, which plans (planInMemory: without waiting, when it can). */
  core: Pick<CompletionCore, 'plan'> & Partial<Pick<CompletionCore, 'planInMemory'>>;
  /** Prompt rules of the key and of the route the client named. */
  rules: PromptRuleTable;
  /** Expert routes: the route table, the classifier, and where decisions are recorded. */
  experts: ExpertSelection;
  now: () => number;
}

export function routingStep(options: RoutingStepOptions): GovernanceStep {
  return {
    enter(call) {
      // Embeddings name their model directly: no expert routes or prompt rules.
      if (call.operation !== 'chat') return undefined;
      return enterFromMemory(options, call) ?? enterLoading(options, call);
    },
  };
}

/** Without waiting: undefined when something must be loaded first, or an expert must be chosen. */
function enterFromMemory(options: RoutingStepOptions, call: ChatCall): StepRun | undefined {
  const routes = options.experts.routes.peek?.();
  if (routes === undefined || expertRouteFor(routes, call.request.model)) return undefined;
  const { key, signal, context } = call;
  const plan = options.core.planInMemory?.({ request: call.request, key, signal, context });
  if (plan === undefined) return undefined;
  const rules = options.rules.rulesInMemory?.(key.id, plan.routeName);
  if (rules === undefined) return undefined;
  return routed(options, call, call.request, plan, rules, undefined);
}

async function enterLoading(options: RoutingStepOptions, call: ChatCall): Promise<StepRun> {
  const { key, signal, context } = call;
  const chosen = await chooseExpert(options.experts, call.request, key, context, signal);
  const request = chosen?.request ?? call.request;
  const plan = chosen
    ? await options.core.plan({ request: { ...request, model: chosen.targetModel }, key, signal, context, accessGrantedFor: chosen.targetModel })
    : await options.core.plan({ request, key, signal, context });
  const rules = await options.rules.rulesFor(key.id, chosen ? chosen.routeName : plan.routeName);
  return routed(options, call, request, plan, rules, chosen);
}

/** The call aimed (plan, request with the rules applied) and the route info's annotation. */
function routed(options: RoutingStepOptions, call: ChatCall, request: ChatRequest, plan: RoutePlan, rules: PromptRuleRecord[], chosen: ChosenExpert | undefined): StepRun {
  const { key } = call;
  const expert = chosen?.expert ?? '';
  // The plan names the expert's target (a route of its own, or '' for a provider model): the answer names the route the client asked for.
  const routeName = chosen?.routeName;
  let applied: string[] = [];
  call.plan = plan;
  call.request = request;
  if (rules.length > 0) {
    const rewritten = applyPromptRules(request, rules, { keyName: key.name, keyMetadata: key.metadata, now: options.now() });
    call.request = rewritten.request;
    applied = rewritten.applied;
  }
  return {
    route(route) {
      route.rulesApplied = applied;
      route.expert = expert;
      if (routeName !== undefined) route.route = routeName;
    },
  };
}
