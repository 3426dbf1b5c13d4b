// ExpertRoutingRecord ⇄ routes.expert JSON, ExpertDecisionRecord ⇄ expert_decisions row.
import type { Insertable, Selectable } from 'kysely';
import type { ExpertClassifierName, ExpertDecisionRecord, ExpertDecisionSourceName, ExpertRoutingRecord } from '../domain/expert-routing.js';
import { asObject, asStringArray, columnToJson, isPlainObject, jsonToColumn, mapObjects, readNumber, readString } from './json-columns.js';
import { columnToTimestamp, knownName, StoredValueError, timestampToColumn } from './row-values.js';
import type { ExpertDecisionsTable } from './schema.js';

export type ExpertDecisionRow = Selectable<ExpertDecisionsTable>;
export type NewExpertDecisionRow = Insertable<ExpertDecisionsTable>;

const CLASSIFIERS: ReadonlySet<ExpertClassifierName> = new Set<ExpertClassifierName>(['llm', 'rules', 'embedding']);
const SOURCES: ReadonlySet<ExpertDecisionSourceName> = new Set<ExpertDecisionSourceName>(['llm', 'rules', 'embedding', 'fallback', 'cache']);

/** Explicit field lists: extra properties on a record never reach the column. */
export function expertToColumn(expert: ExpertRoutingRecord | undefined): string | null {
  if (expert === undefined) return null;
  const { classifier: c, preprocessing: p } = expert;
  return jsonToColumn({
    experts: expert.experts.map((e) => ({
      name: e.name,
      description: e.description,
      route: e.route,
      providerId: e.providerId,
      upstreamModel: e.upstreamModel,
      systemPrompt: e.systemPrompt,
      examples: [...e.examples],
    })),
    fallbackExpert: expert.fallbackExpert,
    classifier: {
      type: c.type,
      judgeModel: c.judgeModel,
      timeoutMs: c.timeoutMs,
      rules: c.rules.map((r) => ({ pattern: r.pattern, keywords: [...r.keywords], expert: r.expert })),
      embeddingModel: c.embeddingModel,
      similarityThreshold: c.similarityThreshold,
    },
    preprocessing: {
      keepLastTurns: p.keepLastTurns,
      stripToolResults: p.stripToolResults,
      stripCodeBlocksOverLines: p.stripCodeBlocksOverLines,
      stripSystemPrompt: p.stripSystemPrompt,
      stripAttachments: p.stripAttachments,
      maxCharacters: p.maxCharacters,
    },
    decisionCacheTtlMs: expert.decisionCacheTtlMs,
  });
}

export function columnToExpert(value: unknown, field: string): ExpertRoutingRecord | undefined {
  const json = columnToJson(value, field);
  if (json === null) return undefined;
  const document = asObject(json, field);
  const { experts, classifier, preprocessing } = document;
  if (!Array.isArray(experts) || !isPlainObject(classifier) || !isPlainObject(preprocessing)) {
    throw new StoredValueError(`${field} lacks experts, classifier or preprocessing`);
  }
  const type = readString(classifier, 'type');
  if (!(CLASSIFIERS as ReadonlySet<string>).has(type)) throw new StoredValueError(`${field} has an unknown classifier type`);
  const rules = classifier.rules;
  if (!Array.isArray(rules)) throw new StoredValueError(`${field} has no rules array`);
  return {
    experts: mapObjects(experts, field, 'an expert', (entry) => ({
      name: readString(entry, 'name'),
      description: readString(entry, 'description'),
      route: readString(entry, 'route'),
      providerId: readString(entry, 'providerId'),
      upstreamModel: readString(entry, 'upstreamModel'),
      systemPrompt: typeof entry.systemPrompt === 'string' ? entry.systemPrompt : null,
      examples: asStringArray(entry.examples ?? [], `${field} examples`),
    })),
    fallbackExpert: readString(document, 'fallbackExpert'),
    classifier: {
      type: type as ExpertClassifierName,
      judgeModel: readString(classifier, 'judgeModel'),
      timeoutMs: readNumber(classifier, 'timeoutMs'),
      rules: mapObjects(rules, field, 'a rule', (rule) => ({
        pattern: readString(rule, 'pattern'),
        keywords: asStringArray(rule.keywords ?? [], `${field} keywords`),
        expert: readString(rule, 'expert'),
      })),
      embeddingModel: readString(classifier, 'embeddingModel'),
      similarityThreshold: readNumber(classifier, 'similarityThreshold'),
    },
    preprocessing: {
      keepLastTurns: readNumber(preprocessing, 'keepLastTurns'),
      stripToolResults: preprocessing.stripToolResults === true,
      stripCodeBlocksOverLines: readNumber(preprocessing, 'stripCodeBlocksOverLines'),
      stripSystemPrompt: preprocessing.stripSystemPrompt === true,
      stripAttachments: preprocessing.stripAttachments === true,
      maxCharacters: readNumber(preprocessing, 'maxCharacters'),
    },
    decisionCacheTtlMs: readNumber(document, 'decisionCacheTtlMs'),
  };
}

export function decisionToRow(id: string, decision: ExpertDecisionRecord): NewExpertDecisionRow {
  return {
    id,
    request_id: decision.requestId,
    time: timestampToColumn(decision.time, 'time'),
    route: decision.route,
    classifier: decision.classifier,
    expert: decision.expert,
    source: decision.source,
    latency_ms: Math.max(0, Math.round(decision.latencyMs)),
    tokens: Math.max(0, Math.round(decision.tokens)),
  };
}

export function rowToDecision(row: ExpertDecisionRow): ExpertDecisionRecord & { id: string } {
  const field = (column: string) => `expert_decisions.${column} (id ${row.id})`;
  const classifier = knownName(CLASSIFIERS, row.classifier, field('classifier'), 'classifier');
  const source = knownName(SOURCES, row.source, field('source'), 'source');
  return {
    id: row.id,
    requestId: row.request_id,
    time: columnToTimestamp(row.time, field('time')),
    route: row.route,
    classifier,
    expert: row.expert,
    source,
    latencyMs: Number(row.latency_ms),
    tokens: Number(row.tokens),
  };
}
