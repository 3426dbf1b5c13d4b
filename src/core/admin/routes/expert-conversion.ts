// Expert routing records ⇄ the proto's messages.
import { create } from '@bufbuild/protobuf';
import { durationFromMs, timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  ExpertClassifierSchema,
  ExpertClassifierType,
  ExpertDecisionSchema,
  ExpertDecisionSource,
  ExpertPreprocessingSchema,
  ExpertRoutingSchema,
  ExpertRuleSchema,
  ExpertSchema,
  type ExpertDecision,
  type ExpertRouting,
} from '../../../../gen/llmgateway/v1/routes_service_pb.js';
import type { ExpertClassifierName, ExpertDecisionRecord, ExpertDecisionSourceName, ExpertRoutingRecord } from '../../../domain/expert-routing.js';
import { enumNames } from '../enum-names.js';

const CLASSIFIERS = enumNames<ExpertClassifierType, ExpertClassifierName>(ExpertClassifierType.UNSPECIFIED, {
  [ExpertClassifierType.LLM]: 'llm',
  [ExpertClassifierType.RULES]: 'rules',
  [ExpertClassifierType.EMBEDDING]: 'embedding',
});

const SOURCES = enumNames<ExpertDecisionSource, ExpertDecisionSourceName>(ExpertDecisionSource.UNSPECIFIED, {
  [ExpertDecisionSource.LLM]: 'llm',
  [ExpertDecisionSource.RULES]: 'rules',
  [ExpertDecisionSource.EMBEDDING]: 'embedding',
  [ExpertDecisionSource.FALLBACK]: 'fallback',
  [ExpertDecisionSource.CACHE]: 'cache',
});

/** undefined for UNSPECIFIED and for numbers the enum does not know. */
export const expertClassifierName = CLASSIFIERS.nameOf;

export function expertRoutingToProto(config: ExpertRoutingRecord): ExpertRouting {
  const { classifier, preprocessing } = config;
  return create(ExpertRoutingSchema, {
    experts: config.experts.map((expert) =>
      create(ExpertSchema, {
        name: expert.name,
        description: expert.description,
        route: expert.route,
        providerId: expert.providerId,
        upstreamModel: expert.upstreamModel,
        systemPrompt: expert.systemPrompt ?? undefined,
        examples: [...expert.examples],
      }),
    ),
    fallbackExpert: config.fallbackExpert,
    classifier: create(ExpertClassifierSchema, {
      type: CLASSIFIERS.valueOf(classifier.type),
      judgeModel: classifier.judgeModel,
      timeout: durationFromMs(classifier.timeoutMs),
      rules: classifier.rules.map((rule) => create(ExpertRuleSchema, { pattern: rule.pattern, keywords: [...rule.keywords], expert: rule.expert })),
      embeddingModel: classifier.embeddingModel,
      similarityThreshold: classifier.similarityThreshold,
    }),
    preprocessing: create(ExpertPreprocessingSchema, { ...preprocessing }),
    decisionCacheTtl: durationFromMs(config.decisionCacheTtlMs),
  });
}

export function expertDecisionToProto(decision: ExpertDecisionRecord): ExpertDecision {
  return create(ExpertDecisionSchema, {
    requestId: decision.requestId,
    time: timestampFromMs(decision.time),
    route: decision.route,
    classifier: CLASSIFIERS.valueOf(decision.classifier),
    expert: decision.expert,
    source: SOURCES.valueOf(decision.source),
    classifierLatency: durationFromMs(Math.max(0, Math.round(decision.latencyMs))),
    classifierTokens: Math.min(Math.max(0, Math.round(decision.tokens)), 0xffff_ffff),
  });
}
