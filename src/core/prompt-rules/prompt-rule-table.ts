// Enabled prompt rules in memory for the hot path, reloaded after admin writes
// (and after a short TTL, for writes made by other replicas sharing the
// database): a reloading table (../reloading-table.ts) indexed by key and route.
import type { PromptRuleRecord, PromptRulesRepository } from '../../domain/prompt-rule.js';
import { createReloadingTable, type ReloadTiming } from '../reloading-table.js';
import { comparePromptRules } from './apply-prompt-rules.js';

export interface PromptRuleTable {
  /** The enabled rules for this key and route, in application order (the key's first). `routeName` '' = no route. */
  rulesFor(keyId: string, routeName: string): Promise<PromptRuleRecord[]>;
  /** The same from the rules in memory, or undefined when rulesFor() must load them (reloading-table.ts, peek). */
  rulesInMemory?(keyId: string, routeName: string): PromptRuleRecord[] | undefined;
  invalidate(): void;
}

interface Snapshot {
  byKey: ReadonlyMap<string, PromptRuleRecord[]>;
  byRoute: ReadonlyMap<string, PromptRuleRecord[]>;
}

export function createPromptRuleTable(options: { repository: PromptRulesRepository } & ReloadTiming): PromptRuleTable {
  const table = createReloadingTable<Snapshot>({
    ...options,
    load: async () => index(await options.repository.listAll()),
  });

  return {
    async rulesFor(keyId, routeName) {
      return rulesOf(await table.get(), keyId, routeName);
    },
    rulesInMemory(keyId, routeName) {
      const snapshot = table.peek();
      return snapshot && rulesOf(snapshot, keyId, routeName);
    },
    invalidate: () => table.invalidate(),
  };
}

function rulesOf({ byKey, byRoute }: Snapshot, keyId: string, routeName: string): PromptRuleRecord[] {
  const forKey = keyId === '' ? [] : (byKey.get(keyId) ?? []);
  const forRoute = routeName === '' ? [] : (byRoute.get(routeName) ?? []);
  return [...forKey, ...forRoute];
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
