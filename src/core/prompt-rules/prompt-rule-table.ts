// Enabled prompt rules in memory for the hot path, reloaded after admin writes
// (and after a short TTL, for writes made by other replicas sharing the database).
import type { PromptRuleRecord, PromptRulesRepository } from '../../domain/prompt-rule.js';
import { reloadingSnapshot, type ReloadingSnapshotOptions } from '../completion/reloading-snapshot.js';
import { comparePromptRules } from './apply-prompt-rules.js';

export interface PromptRuleTable {
  /** The enabled rules for this key and route, in application order (the key's first). `routeName` '' = no route. */
  rulesFor(keyId: string, routeName: string): Promise<PromptRuleRecord[]>;
  invalidate(): void;
}

interface Snapshot {
  byKey: ReadonlyMap<string, PromptRuleRecord[]>;
  byRoute: ReadonlyMap<string, PromptRuleRecord[]>;
}

export function createPromptRuleTable(options: ReloadingSnapshotOptions & { repository: PromptRulesRepository }): PromptRuleTable {
  const table = reloadingSnapshot(async () => index(await options.repository.listAll()), options);
  const snapshot = table.get;

  return {
    async rulesFor(keyId, routeName) {
      const { byKey, byRoute } = await snapshot();
      const forKey = keyId === '' ? [] : (byKey.get(keyId) ?? []);
      const forRoute = routeName === '' ? [] : (byRoute.get(routeName) ?? []);
      return [...forKey, ...forRoute];
    },
    invalidate: table.invalidate,
  };
}

function index(records: PromptRuleRecord[]): Snapshot {
  const byKey = new Map<string, PromptRuleRecord[]>();
  const byRoute = new Map<string, PromptRuleRecord[]>();
  for (const record of [...records].sort(comparePromptRules)) {
    if (!record.enabled) continue;
    const map = record.scope === 'key' ? byKey : byRoute;
    const list = map.get(record.scopeId);
    if (list === undefined) map.set(record.scopeId, [record]);
    else list.push(record);
  }
  return { byKey, byRoute };
}
