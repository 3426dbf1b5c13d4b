// Enabled prompt rules in memory for the hot path, reloaded after admin writes
// (and after a short TTL, for writes made by other replicas sharing the database).
import type { PromptRuleRecord, PromptRulesRepository } from '../../domain/prompt-rule.js';
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

export function createPromptRuleTable(options: {
  repository: PromptRulesRepository;
  ttlMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}): PromptRuleTable {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 30_000;
  let current: { snapshot: Snapshot; loadedAt: number } | undefined;
  let loading: Promise<Snapshot> | undefined;
  let generation = 0;

  const load = () => {
    if (loading) return loading;
    const startedGeneration = generation;
    loading = options.repository
      .listAll()
      .then((records) => {
        const snapshot = index(records);
        if (startedGeneration === generation) current = { snapshot, loadedAt: now() };
        return snapshot;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };

  const snapshot = async (): Promise<Snapshot> => {
    if (!current) return load();
    if (now() - current.loadedAt > ttlMs) load().catch((error: unknown) => options.onError?.(error));
    return current.snapshot;
  };

  return {
    async rulesFor(keyId, routeName) {
      const { byKey, byRoute } = await snapshot();
      const forKey = keyId === '' ? [] : (byKey.get(keyId) ?? []);
      const forRoute = routeName === '' ? [] : (byRoute.get(routeName) ?? []);
      return [...forKey, ...forRoute];
    },
    invalidate() {
      generation += 1;
      current = undefined;
    },
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
