// Runs a plan's steps in order. The first failure stops the apply: what ran
// before it stays (each step is one admin write), and the error names the
// object, where the file declares it, and how many changes were made.
import { ConfigChangeAction, type ConfigChange } from '../../gen/llmgateway/v1/gateway_config_pb.js';
import type { Plan } from './plan.js';

export class ApplyError extends Error {
  constructor(
    readonly failed: ConfigChange,
    readonly applied: number,
    readonly total: number,
    readonly reason: unknown,
  ) {
    const where = failed.source === '' ? '' : `${failed.source}: `;
    const text = reason instanceof Error ? ((reason as { rawMessage?: string }).rawMessage ?? reason.message) : String(reason);
    super(`${where}${actionWord(failed.action)} ${failed.kind} "${failed.name}" failed: ${text} (${applied} of ${total} changes were applied before it)`);
    this.name = 'ApplyError';
  }
}

export interface ApplyResult {
  applied: ConfigChange[];
  /** Keys created by this apply, with the secret the gateway showed once. */
  createdSecrets: Plan['context']['createdSecrets'];
}

export async function applyPlan(plan: Plan): Promise<ApplyResult> {
  const applied: ConfigChange[] = [];
  for (const step of plan.steps) {
    try {
      await step.run(plan.context);
    } catch (error) {
      throw new ApplyError(step.change, applied.length, plan.steps.length, error);
    }
    applied.push(step.change);
  }
  return { applied, createdSecrets: plan.context.createdSecrets };
}

export function actionWord(action: ConfigChangeAction): string {
  return action === ConfigChangeAction.CREATE ? 'create' : action === ConfigChangeAction.UPDATE ? 'update' : 'delete';
}
