// A dispatcher target key (`provider/upstream model`, routing/plan-route.ts) as metric labels.
export function splitTargetKey(targetKey: string): { provider: string; model: string } {
  const slash = targetKey.indexOf('/');
  return slash < 0 ? { provider: targetKey, model: '' } : { provider: targetKey.slice(0, slash), model: targetKey.slice(slash + 1) };
}
