// The governance step that decides what is sent where, before the cache
// lookup and the dispatch: an expert route picks its expert (the request then
// targets the expert's model), the request is planned once (the plan travels
// with the call to the cache key and the dispatch), and the prompt rules of
// the key and of the route the client named are applied. The route info the
// answer reports names the rules applied and the expert.
import type { CompletionCore } from '../completion/completion-core.js';
import { applyPromptRules } from '../prompt-rules/apply-prompt-rules.js';
import type { PromptRuleTable } from '../prompt-rules/prompt-rule-table.js';
import { chooseExpert, type ExpertSelection } from './choose-expert.js';
import type { GovernanceStep } from './governance-step.js';

export interface RoutingStepOptions {
  /** The plain pipeline, which plans. */
  core: Pick<CompletionCore, 'plan'>;
  /** Prompt rules of the key and of the route the client named. */
  rules: PromptRuleTable;
  /** Expert routes: the route table, the classifier, and where decisions are recorded. */
  experts: ExpertSelection;
  now: () => number;
}

export function routingStep(options: RoutingStepOptions): GovernanceStep {
  return {
    async enter(call) {
      // Embeddings name their model directly: no expert routes or prompt rules.
      if (call.operation !== 'chat') return undefined;
      const { key, signal, context } = call;
      const chosen = await chooseExpert(options.experts, call.request, key, context, signal);
      const routed = chosen?.request ?? call.request;
      const plan = await options.core.plan({ request: routed, key, signal, context, accessGrantedFor: chosen?.accessGrantedFor });
      const rules = await options.rules.rulesFor(key.id, chosen ? chosen.routeName : plan.routeName);
      const expert = chosen?.expert ?? '';
      let applied: string[] = [];
      call.plan = plan;
      call.request = routed;
      if (rules.length > 0) {
        const rewritten = applyPromptRules(routed, rules, { keyName: key.name, keyMetadata: key.metadata, now: options.now() });
        call.request = rewritten.request;
        applied = rewritten.applied;
      }
      return {
        route(route) {
          route.rulesApplied = applied;
          route.expert = expert;
        },
      };
    },
  };
}
