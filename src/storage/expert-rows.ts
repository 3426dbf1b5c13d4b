// ExpertRoutingRecord ⇄ routes.expert JSON, ExpertDecisionRecord ⇄ expert_decisions row.
import type { Insertable, Selectable } from 'kysely';
import type { ExpertClassifierName, ExpertDecisionRecord, ExpertDecisionSourceName, ExpertRoutingRecord } from '../domain/expert-routing.js';
import {
  asStringArray,
  columnToJson,
  columnToTimestamp,
  isPlainObject,
  jsonToColumn,
  readNumber,
  readString,
  StoredValueError,
  timestampToColumn,
} from './row-values.js';
import type { ExpertDecisionsTable } from './schema.js';

export type ExpertDecisionRow = Selectable<ExpertDecisionsTable>;
export type NewExpertDecisionRow = Insertable<ExpertDecisionsTable>;

const CLASSIFIERS: ReadonlySet<string> = new Set<ExpertClassifierName>(['llm', 'rules', 'embedding']);
const SOURCES: ReadonlySet<string> = new Set<ExpertDecisionSourceName>(['llm', 'rules', 'embedding', 'fallback', 'cache']);

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
  if (!isPlainObject(json)) throw new StoredValueError(`${field} is not a JSON object`);
  const { experts, classifier, preprocessing } = json;
  if (!Array.isArray(experts) || !isPlainObject(classifier) || !isPlainObject(preprocessing)) {
    throw new StoredValueError(`${field} lacks experts, classifier or preprocessing`);
  }
  const type = readString(classifier, 'type');
  if (!CLASSIFIERS.has(type)) throw new StoredValueError(`${field} has an unknown classifier type`);
  const rules = classifier.rules;
  if (!Array.isArray(rules)) throw new StoredValueError(`${field} has no rules array`);
  return {
    experts: experts.map((entry: unknown) => {
      if (!isPlainObject(entry)) throw new StoredValueError(`${field} holds an expert that is not an object`);
      const systemPrompt = entry.systemPrompt;
      return {
        name: readString(entry, 'name'),
        description: readString(entry, 'description'),
        route: readString(entry, 'route'),
        providerId: readString(entry, 'providerId'),
        upstreamModel: readString(entry, 'upstreamModel'),
        systemPrompt: typeof systemPrompt === 'string' ? systemPrompt : null,
        examples: asStringArray(entry.examples ?? [], `${field} examples`),
      };
    }),
    fallbackExpert: readString(json, 'fallbackExpert'),
    classifier: {
      type: type as ExpertClassifierName,
      judgeModel: readString(classifier, 'judgeModel'),
      timeoutMs: readNumber(classifier, 'timeoutMs'),
      rules: rules.map((rule: unknown) => {
        if (!isPlainObject(rule)) throw new StoredValueError(`${field} holds a rule that is not an object`);
        return {
          pattern: readString(rule, 'pattern'),
          keywords: asStringArray(rule.keywords ?? [], `${field} keywords`),
          expert: readString(rule, 'expert'),
        };
      }),
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
    decisionCacheTtlMs: readNumber(json, 'decisionCacheTtlMs'),
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
  if (!CLASSIFIERS.has(row.classifier)) throw new StoredValueError(`${field('classifier')} is not a known classifier`);
  if (!SOURCES.has(row.source)) throw new StoredValueError(`${field('source')} is not a known source`);
  return {
    id: row.id,
    requestId: row.request_id,
    time: columnToTimestamp(row.time, field('time')),
    route: row.route,
    classifier: row.classifier as ExpertClassifierName,
    expert: row.expert,
    source: row.source as ExpertDecisionSourceName,
    latencyMs: Number(row.latency_ms),
    tokens: Number(row.tokens),
  };
}
