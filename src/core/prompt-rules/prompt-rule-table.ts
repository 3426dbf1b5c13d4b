// Enabled prompt rules in memory for the hot path, reloaded after admin writes
// (and after a short TTL, for writes made by other replicas sharing the
// database): a reloading table (../reloading-table.ts) indexed by key and route.
// A REGEX_REPLACE rule whose pattern the linear-time engine cannot compile (saved
// before the gateway used it: a backreference, a lookahead) is left out and
// reported once per version through onRuleSkipped; it never stops the gateway.
import type { PromptRuleRecord, PromptRulesRepository } from '../../domain/prompt-rule.js';
import { createReloadingTable, type ReloadTiming } from '../reloading-table.js';
import { cachedLinearRegex, LinearRegexError, loadLinearRegexEngine } from '../regex/linear-regex.js';
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

export interface PromptRuleTableOptions extends ReloadTiming {
  repository: PromptRulesRepository;
  /** An enabled rule left out because its pattern does not compile; `reason` says why. */
  onRuleSkipped?: (rule: PromptRuleRecord, reason: string) => void;
}

export function createPromptRuleTable(options: PromptRuleTableOptions): PromptRuleTable {
  const reported = new Set<string>();
  const usable = (record: PromptRuleRecord): boolean => {
    if (record.operation !== 'regex-replace') return true;
    const pattern = cachedLinearRegex(record.pattern, record.flags);
    if (!(pattern instanceof LinearRegexError)) return true;
    const version = `${record.id}@${record.updatedAt}`;
    if (!reported.has(version)) {
      reported.add(version);
      options.onRuleSkipped?.(record, pattern.message);
    }
    return false;
  };
  const table = createReloadingTable<Snapshot>({
    ...options,
    load: async () => {
      const records = await options.repository.listAll();
      // applyPromptRules (synchronous) matches with the engine these rules need: loaded here, on first need.
      if (records.some((record) => record.enabled && record.operation === 'regex-replace')) await loadLinearRegexEngine();
      return index(records.filter((record) => !record.enabled || usable(record)));
    },
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
