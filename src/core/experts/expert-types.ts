// Shared types of expert routing: the stored config shapes (storage records) under core names,
// and the two functions classifiers call through the gateway's own pipeline.
import type { ChatRequest, ChatResponse } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { ExpertClassifierName, ExpertDecisionSourceName, ExpertPreprocessingRecord, ExpertRecord, ExpertRoutingRecord, ExpertRuleRecord } from '../../domain/expert-routing.js';

export type ExpertConfig = ExpertRecord;
export type ExpertRoutingConfig = ExpertRoutingRecord;
export type ExpertRule = ExpertRuleRecord;
export type PreprocessOptions = ExpertPreprocessingRecord;
export type ClassifierName = ExpertClassifierName;
export type DecisionSource = ExpertDecisionSourceName;

/** A chat completion through the gateway's pipeline (the judge model is `request.model`). */
export type CompleteFn = (request: ChatRequest, signal: AbortSignal) => Promise<ChatResponse>;

/** Embeddings through the gateway's pipeline: one vector per text, in order, and the tokens spent. */
export type EmbedFn = (
  model: string,
  texts: string[],
  signal: AbortSignal,
) => Promise<{ vectors: number[][]; tokens: number }>;

export interface ClassifierDeps {
  complete: CompleteFn;
  embed: EmbedFn;
}

/** What one classifier run produced: an expert name (null: no answer) and the tokens it spent. */
export interface Classification {
  expert: string | null;
  tokens: number;
}
