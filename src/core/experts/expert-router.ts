// Chooses the expert of an expert route: preprocess → classifier (LLM judge, rules or embeddings) →
// the fallback expert on any failure, timeout or non-answer. Identical inputs reuse a decision for the
// route's decision cache TTL. Every decision goes to recordDecision (the caller adds the request id).
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ChatRequest } from '../../../gen/llmgateway/v1/chat_pb.js';
import { createEmbeddingClassifier, type EmbeddingClassifier } from './embedding-classifier.js';
import type { ClassifierDeps, ClassifierName, Classification, DecisionSource, ExpertConfig, ExpertRoutingConfig } from './expert-types.js';
import { llmClassifier } from './llm-classifier.js';
import { preprocess } from './preprocess.js';
import { rulesClassifier } from './rules-classifier.js';
import { loadLinearRegexEngine } from '../regex/linear-regex.js';

export interface ExpertRouteConfig {
  /** The route's name (decisions and cache entries are per route). */
  name: string;
  expert: ExpertRoutingConfig;
}

export interface ExpertChoice {
  expert: ExpertConfig;
  source: DecisionSource;
  classifier: ClassifierName;
  /** Time spent classifying (0 for cache hits). */
  latencyMs: number;
  /** Tokens the classifier spent (0 for rules and cache hits). */
  tokens: number;
  /** Why the fallback was used ('' otherwise): 'error: …', 'timeout', 'no answer'. */
  fallbackReason: string;
}

export interface ExpertDecisionEvent extends Omit<ExpertChoice, 'expert' | 'fallbackReason'> {
  route: string;
  expert: string;
  /** Epoch ms when the decision was made. */
  time: number;
}

export interface ExpertRouterOptions {
  now?: () => number;
  /** Overrides every route's decision cache TTL (tests); by default each route's own. */
  cacheTtlMs?: number;
  /** Entries in the decision cache; default 5000. */
  cacheSize?: number;
  /** Called with every decision; errors thrown or rejected here are ignored. */
  recordDecision?: (decision: ExpertDecisionEvent) => void | Promise<void>;
}

export interface ExpertRouter {
  choose(route: ExpertRouteConfig, request: ChatRequest, deps: ClassifierDeps, signal: AbortSignal): Promise<ExpertChoice>;
}

interface CachedDecision {
  expert: string;
  expiresAt: number;
}

export function createExpertRouter(options: ExpertRouterOptions = {}): ExpertRouter {
  const now = options.now ?? Date.now;
  // Both made on the first expert request: lru-cache allocates its index arrays for `max` entries up front
  // (about 330 KB of heap for the two), which a gateway without expert routes would hold for nothing.
  let cacheMade: LRUCache<string, CachedDecision> | undefined;
  const cache = () => (cacheMade ??= new LRUCache<string, CachedDecision>({ max: options.cacheSize ?? 5000 }));
  let embeddings: EmbeddingClassifier | undefined;
  const fingerprints = new WeakMap<ExpertRoutingConfig, string>();

  const fingerprint = (config: ExpertRoutingConfig) => {
    let value = fingerprints.get(config);
    if (value === undefined) {
      value = sha256(JSON.stringify(config));
      fingerprints.set(config, value);
    }
    return value;
  };

  const record = (event: ExpertDecisionEvent) => {
    try {
      const pending = options.recordDecision?.(event);
      if (pending) pending.catch(() => undefined);
    } catch {
      // Recording must never fail a request.
    }
  };

  const classify = async (config: ExpertRoutingConfig, input: string, deps: ClassifierDeps, signal: AbortSignal): Promise<Classification> => {
    switch (config.classifier.type) {
      case 'rules':
        await loadLinearRegexEngine();
        return { expert: rulesClassifier(config.classifier.rules, input), tokens: 0 };
      case 'llm':
        return llmClassifier(config, input, deps.complete, signal);
      case 'embedding':
        return (embeddings ??= createEmbeddingClassifier()).classify(config, input, deps.embed, signal);
    }
  };

  return {
    async choose(route, request, deps, signal) {
      const config = route.expert;
      const byName = new Map(config.experts.map((expert) => [expert.name, expert]));
      const fallback = byName.get(config.fallbackExpert) ?? config.experts[0];
      if (fallback === undefined) throw new Error(`expert route "${route.name}" has no experts`);
      const input = preprocess(request, config.preprocessing);
      const ttlMs = options.cacheTtlMs ?? config.decisionCacheTtlMs;
      const cacheKey = `${route.name}\u0000${fingerprint(config)}\u0000${sha256(input)}`;
      const started = now();
      const decide = (expert: ExpertConfig, source: DecisionSource, latencyMs: number, tokens: number, fallbackReason = '') => {
        const choice: ExpertChoice = { expert, source, classifier: config.classifier.type, latencyMs, tokens, fallbackReason };
        record({ route: route.name, expert: expert.name, source, classifier: choice.classifier, latencyMs, tokens, time: started });
        return choice;
      };

      const cached = ttlMs > 0 ? cache().get(cacheKey) : undefined;
      if (cached !== undefined) {
        const expert = byName.get(cached.expert);
        if (cached.expiresAt > started && expert !== undefined) return decide(expert, 'cache', 0, 0);
        cache().delete(cacheKey);
      }

      let result: Classification;
      try {
        result = await classify(config, input, deps, signal);
      } catch (error) {
        // The caller's own cancellation is not classifier trouble: let it through.
        if (signal.aborted) throw signal.reason;
        const reason = error instanceof Error && error.name === 'ClassifierTimeoutError' ? 'timeout' : `error: ${describe(error)}`;
        return decide(fallback, 'fallback', Math.max(0, now() - started), 0, reason);
      }
      const latencyMs = Math.max(0, now() - started);
      const chosen = result.expert === null ? undefined : byName.get(result.expert);
      if (chosen === undefined) return decide(fallback, 'fallback', latencyMs, result.tokens, 'no answer');
      if (ttlMs > 0) cache().set(cacheKey, { expert: chosen.name, expiresAt: now() + ttlMs });
      return decide(chosen, config.classifier.type, latencyMs, result.tokens);
    },
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}
