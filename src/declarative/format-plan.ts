// A plan as people read it, like `terraform plan`: one line per change with
// its sign (+ create, ~ update with the fields, - delete) and a summary line.
import { ConfigChangeAction, type ConfigChange } from '../../gen/llmgateway/v1/gateway_config_pb.js';

const SIGN: Record<number, string> = {
  [ConfigChangeAction.CREATE]: '+',
  [ConfigChangeAction.UPDATE]: '~',
  [ConfigChangeAction.DELETE]: '-',
};

export function formatChange(change: ConfigChange): string {
  const fields = change.action === ConfigChangeAction.UPDATE ? ` (${change.fields.join(', ')})` : '';
  return `  ${SIGN[change.action] ?? '?'} ${change.kind} ${change.name}${fields}`;
}

export function planSummary(changes: ConfigChange[], unchanged: number): string {
  const count = (action: ConfigChangeAction) => changes.filter((change) => change.action === action).length;
  if (changes.length === 0) return `No changes: the gateway matches the file (${unchanged} objects unchanged).`;
  return `Plan: ${count(ConfigChangeAction.CREATE)} to create, ${count(ConfigChangeAction.UPDATE)} to update, ${count(ConfigChangeAction.DELETE)} to delete, ${unchanged} unchanged.`;
}

export function formatPlan(changes: ConfigChange[], unchanged: number): string {
  return [...changes.map(formatChange), planSummary(changes, unchanged)].join('\n');
}
