// Prompt-rule administration: validation and storage. Transport-agnostic.
import { randomUUID } from 'node:crypto';
import type {
  CreatePromptRuleRequest,
  ListPromptRulesRequest,
  PromptRule,
  UpdatePromptRuleRequest,
} from '../../../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import { PromptRuleOperation, PromptRuleScope } from '../../../../gen/llmgateway/v1/prompt_rules_service_pb.js';
import type { PromptRuleRecord, PromptRulesRepository } from '../../../domain/prompt-rule.js';
import { GatewayError, invalidArgument } from '../../../domain/gateway-error.js';
import { pageRequest, pageResponse } from '../paging.js';
import { reportingConflict, storedRecords } from '../stored-records.js';
import { expectedVersionOf, versionedToProto, withVersion } from '../record-version.js';
import { INITIAL_VERSION } from '../../../domain/versioned-record.js';
import { fieldsToUpdate } from '../partial-update.js';
import { promptRuleRecordToProto, promptRuleScopeName } from './prompt-rule-conversion.js';
import { validatePromptRule, type PromptRuleFields, type PromptRuleInput } from './prompt-rule-validation.js';
import { loadLinearRegexEngine } from '../../regex/linear-regex.js';

export interface PromptRuleAdminOptions {
  rules: PromptRulesRepository;
  /** Called after every write so the in-memory rule table reloads. */
  onChange: () => void;
  /** Whether the route or key a rule is scoped to exists (a rule for nothing would never apply). */
  scopeExists: (scope: PromptRuleFields['scope'], scopeId: string) => Promise<boolean>;
  now?: () => number;
}

export interface PromptRuleAdmin {
  create(request: CreatePromptRuleRequest): Promise<PromptRule>;
  get(id: string): Promise<PromptRule>;
  list(request: ListPromptRulesRequest): Promise<{ rules: PromptRule[]; nextPageToken: string }>;
  update(request: UpdatePromptRuleRequest): Promise<PromptRule>;
  delete(id: string): Promise<void>;
}

const REGEX_FIELDS = ['pattern', 'flags', 'replacement', 'roles'] as const;

export function createPromptRuleAdmin(options: PromptRuleAdminOptions): PromptRuleAdmin {
  const now = options.now ?? Date.now;
  const { rules } = options;

  const records = storedRecords({ repository: rules, kind: 'prompt rule', keyField: 'id', trimKey: true });
  const toProto = versionedToProto(promptRuleRecordToProto);

  const requireScope = async (fields: PromptRuleFields) => {
    if (await options.scopeExists(fields.scope, fields.scopeId)) return;
    throw invalidArgument(
      'scope_id',
      fields.scope === 'route' ? `no route is named "${fields.scopeId}" (create the route first)` : `no virtual key has the id "${fields.scopeId}"`,
    );
  };

  const conflict = (fields: PromptRuleFields) =>
    new GatewayError('already_exists', `a prompt rule named "${fields.name}" already exists for ${fields.scope} "${fields.scopeId}"`, {
      field: 'name',
    });

  return {
    async create(request) {
      const input = { ...inputOf(request), enabled: request.enabled ?? true };
      await loadEngineFor(input);
      const fields = validatePromptRule(input);
      await requireScope(fields);
      const instant = now();
      const record: PromptRuleRecord = { id: `pr_${randomUUID().replace(/-/g, '')}`, ...fields, createdAt: instant, updatedAt: instant };
      await reportingConflict(() => rules.insert(record), () => conflict(fields));
      options.onChange();
      return withVersion(promptRuleRecordToProto(record), INITIAL_VERSION);
    },

    async get(id) {
      return toProto(await records.loadVersioned(id));
    },

    async list(request) {
      const scope = request.scope === PromptRuleScope.UNSPECIFIED ? null : promptRuleScopeName(request.scope);
      if (scope === undefined) throw invalidArgument('scope', 'is not a known scope');
      const scopeId = request.scopeId.trim();
      if (scopeId !== '' && scope === null) throw invalidArgument('scope_id', 'needs scope');
      const page = await rules.listVersioned({ ...pageRequest(request), scope, scopeId: scopeId || null });
      return pageResponse('rules', page, toProto);
    },

    async update(request) {
      const id = records.requireKey(request.id);
      const expectedVersion = expectedVersionOf(request);
      const fields = fieldsToUpdate(request.updateMask, {
        name: request.name !== undefined,
        enabled: request.enabled !== undefined,
        scope: request.scope !== PromptRuleScope.UNSPECIFIED,
        scope_id: request.scopeId !== undefined,
        order: request.order !== undefined,
        operation: request.operation !== PromptRuleOperation.UNSPECIFIED,
        text: request.text !== undefined,
        pattern: request.pattern !== undefined,
        flags: request.flags !== undefined,
        replacement: request.replacement !== undefined,
        roles: request.roles.length > 0,
        first_user_turn_only: request.firstUserTurnOnly !== undefined,
      });
      // The rule as stored when the write lands (re-read if another write came first) is what is merged into.
      let validated: PromptRuleFields | undefined;
      const next = await reportingConflict(
        () =>
          records.update(id, async (current) => {
            const merged: PromptRuleInput = { ...inputOf(promptRuleRecordToProto(current)), enabled: current.enabled };
            if (fields.has('name')) merged.name = request.name ?? '';
            if (fields.has('enabled')) merged.enabled = request.enabled ?? false;
            if (fields.has('scope')) merged.scope = request.scope;
            if (fields.has('scope_id')) merged.scopeId = request.scopeId ?? '';
            if (fields.has('order')) merged.order = request.order ?? 0;
            if (fields.has('operation')) {
              merged.operation = request.operation;
              // Switching operation drops the fields the old one used, unless the request sets them.
              if (request.operation === PromptRuleOperation.REGEX_REPLACE) {
                if (!fields.has('text')) merged.text = '';
              } else {
                for (const field of REGEX_FIELDS) {
                  if (fields.has(field)) continue;
                  if (field === 'roles') merged.roles = [];
                  else merged[field] = '';
                }
              }
            }
            if (fields.has('text')) merged.text = request.text ?? '';
            if (fields.has('pattern')) merged.pattern = request.pattern ?? '';
            if (fields.has('flags')) merged.flags = request.flags ?? '';
            if (fields.has('replacement')) merged.replacement = request.replacement ?? '';
            if (fields.has('roles')) merged.roles = [...request.roles];
            if (fields.has('first_user_turn_only')) merged.firstUserTurnOnly = request.firstUserTurnOnly ?? false;
            await loadEngineFor(merged);
            validated = validatePromptRule(merged);
            if (fields.has('scope') || fields.has('scope_id')) await requireScope(validated);
            return { ...current, ...validated, updatedAt: now() };
          }, expectedVersion),
        () => conflict(validated!),
      );
      options.onChange();
      return toProto(next);
    },

    async delete(id) {
      await records.delete(id);
      options.onChange();
    },
  };
}

function inputOf(source: CreatePromptRuleRequest | PromptRule): Omit<PromptRuleInput, 'enabled'> {
  return {
    name: source.name,
    scope: source.scope,
    scopeId: source.scopeId,
    order: source.order,
    operation: source.operation,
    text: source.text,
    pattern: source.pattern,
    flags: source.flags,
    replacement: source.replacement,
    roles: [...source.roles],
    firstUserTurnOnly: source.firstUserTurnOnly,
  };
}

/** Validating a REGEX_REPLACE rule compiles its pattern on the linear-time engine, loaded on first need. */
async function loadEngineFor(input: PromptRuleInput): Promise<void> {
  if (input.operation === PromptRuleOperation.REGEX_REPLACE) await loadLinearRegexEngine();
}
