// Expert routing records: the JSON config stored in routes.expert and the recorded decisions.
import type { Page } from './page.js';

export type ExpertClassifierName = 'llm' | 'rules' | 'embedding';
export type ExpertDecisionSourceName = 'llm' | 'rules' | 'embedding' | 'fallback' | 'cache';

export interface ExpertRecord {
  name: string;
  description: string;
  /** A route (by name) or a provider model (providerId + upstreamModel); never both. */
  route: string;
  providerId: string;
  upstreamModel: string;
  /** Added as a system message when chosen; null when unset. */
  systemPrompt: string | null;
  /** Utterances for the embedding classifier. */
  examples: string[];
}

export interface ExpertRuleRecord {
  /** A regex source (case-insensitive) or '' when keywords are used. */
  pattern: string;
  keywords: string[];
  expert: string;
}

export interface ExpertClassifierRecord {
  type: ExpertClassifierName;
  judgeModel: string;
  timeoutMs: number;
  rules: ExpertRuleRecord[];
  embeddingModel: string;
  similarityThreshold: number;
}

export interface ExpertPreprocessingRecord {
  keepLastTurns: number;
  stripToolResults: boolean;
  /** 0 keeps every code block. */
  stripCodeBlocksOverLines: number;
  stripSystemPrompt: boolean;
  stripAttachments: boolean;
  maxCharacters: number;
}

export interface ExpertRoutingRecord {
  experts: ExpertRecord[];
  fallbackExpert: string;
  classifier: ExpertClassifierRecord;
  preprocessing: ExpertPreprocessingRecord;
  /** 0 disables the decision cache. */
  decisionCacheTtlMs: number;
}

export interface ExpertDecisionRecord {
  /** The request id the decision was made for. */
  requestId: string;
  /** Epoch ms. */
  time: number;
  route: string;
  classifier: ExpertClassifierName;
  expert: string;
  source: ExpertDecisionSourceName;
  latencyMs: number;
  tokens: number;
}

export interface ExpertDecisionsRepository {
  insert(decision: ExpertDecisionRecord): Promise<void>;
  /** One route's decisions, newest first. */
  list(options: { route: string; limit: number; cursor?: string | null }): Promise<Page<ExpertDecisionRecord>>;
}
