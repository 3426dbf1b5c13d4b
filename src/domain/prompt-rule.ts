// A prompt rule (a rewrite of chat requests for one route or one key) and its repository.
import type { Page } from './page.js';
import type { Versioned, VersionedRepository } from './versioned-record.js';

export type PromptRuleScopeName = 'route' | 'key';
export type PromptRuleOperationName =
  | 'set-system'
  | 'prepend-system'
  | 'append-system'
  | 'prepend-user'
  | 'append-user'
  | 'regex-replace';
/** Message roles a REGEX_REPLACE rule rewrites; 'system' also covers developer messages. */
export type PromptRuleRoleName = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

/** A prompt rule: a rewrite of chat requests for one route or one virtual key. */
export interface PromptRuleRecord {
  id: string;
  name: string;
  enabled: boolean;
  scope: PromptRuleScopeName;
  /** The route name ('route') or the virtual key id ('key'). */
  scopeId: string;
  order: number;
  operation: PromptRuleOperationName;
  /** The template text (every operation but regex-replace; '' there). */
  text: string;
  /** regex-replace only ('' otherwise). */
  pattern: string;
  flags: string;
  replacement: string;
  roles: PromptRuleRoleName[];
  firstUserTurnOnly: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface PromptRuleListOptions {
  limit: number;
  cursor?: string | null;
  scope?: PromptRuleScopeName | null;
  scopeId?: string | null;
}

export interface PromptRulesRepository extends VersionedRepository<PromptRuleRecord> {
  /** Throws StorageConflictError when the id, or the name within the scope, exists. */
  insert(rule: PromptRuleRecord): Promise<void>;
  get(id: string): Promise<PromptRuleRecord | null>;
  /** Ordered by id; filters combine with AND. */
  list(options: PromptRuleListOptions): Promise<Page<PromptRuleRecord>>;
  /** The same page, each rule with its version. */
  listVersioned(options: PromptRuleListOptions): Promise<Page<Versioned<PromptRuleRecord>>>;
  /** Every rule, enabled or not, ordered by id. */
  listAll(): Promise<PromptRuleRecord[]>;
  /** Throws StorageConflictError when the new name is taken within the scope. */
  replace(rule: PromptRuleRecord): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}
