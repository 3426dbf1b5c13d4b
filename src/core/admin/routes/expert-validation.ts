// Validation of an expert route's config (ExpertRouting) at save time: experts non-empty with unique
// names, targets well-formed (existence is checked by checkExpertTargetsExist), the fallback and every
// rule naming an expert, regexes that compile, classifier settings in range. Each failure names the field.
import type { Duration } from '@bufbuild/protobuf/wkt';
import { durationMs } from '@bufbuild/protobuf/wkt';
import type { ExpertClassifier, ExpertPreprocessing, ExpertRouting } from '../../../../gen/llmgateway/v1/routes_service_pb.js';
import type { ExpertClassifierRecord, ExpertPreprocessingRecord, ExpertRecord, ExpertRoutingRecord } from '../../../domain/expert-routing.js';
import type { ProvidersRepository } from '../../../domain/provider.js';
import type { RouteRecord, RouteTargetRecord } from '../../../domain/route.js';
import { invalidArgument } from '../../../domain/gateway-error.js';
import { PROVIDER_ID_PATTERN } from '../providers/provider-validation.js';
import { expertClassifierName } from './expert-conversion.js';
import { validateRouteName } from './route-validation.js';
import { compileLinearRegex, LINEAR_REGEX_LIMITS, LinearRegexError } from '../../regex/linear-regex.js';

export const EXPERT_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_EXPERTS = 50;
export const MAX_EXAMPLES = 100;
export const MAX_RULES = 100;
export const DEFAULT_JUDGE_TIMEOUT_MS = 5000;
export const DEFAULT_SIMILARITY_THRESHOLD = 0.5;
export const DEFAULT_MAX_CHARACTERS = 4000;
export const DEFAULT_DECISION_CACHE_TTL_MS = 5 * 60_000;

export function validateExpertRouting(routeName: string, config: ExpertRouting | undefined): ExpertRoutingRecord {
  if (config === undefined) throw invalidArgument('expert', 'is required with ROUTE_STRATEGY_EXPERT');
  if (config.experts.length === 0) throw invalidArgument('expert.experts', 'needs at least one expert');
  if (config.experts.length > MAX_EXPERTS) throw invalidArgument('expert.experts', `must have at most ${MAX_EXPERTS} experts`);
  const names = new Set<string>();
  const experts = config.experts.map((expert, index): ExpertRecord => {
    const field = `expert.experts[${index}]`;
    const name = expert.name.trim();
    if (!EXPERT_NAME_PATTERN.test(name)) throw invalidArgument(`${field}.name`, 'must be 1–64 letters, digits, "_" or "-"');
    const key = name.toLowerCase();
    if (names.has(key)) throw invalidArgument(`${field}.name`, `repeats expert "${name}" (names are case-insensitive)`);
    names.add(key);
    const route = expert.route.trim();
    const providerId = expert.providerId.trim();
    const upstreamModel = expert.upstreamModel.trim();
    if (route !== '' && (providerId !== '' || upstreamModel !== '')) {
      throw invalidArgument(field, 'set either route, or provider_id and upstream_model — not both');
    }
    if (route !== '') {
      validateRouteName(`${field}.route`, route);
      if (route === routeName) throw invalidArgument(`${field}.route`, 'an expert cannot target its own route');
    } else {
      if (!PROVIDER_ID_PATTERN.test(providerId)) throw invalidArgument(`${field}.provider_id`, 'needs a valid provider_id and upstream_model, or route');
      if (upstreamModel === '' || upstreamModel.length > 200 || /\s/.test(upstreamModel)) {
        throw invalidArgument(`${field}.upstream_model`, 'is required with provider_id: at most 200 characters without whitespace');
      }
    }
    const description = expert.description.trim();
    if (description.length > 1000) throw invalidArgument(`${field}.description`, 'must be at most 1000 characters');
    if (expert.systemPrompt !== undefined && expert.systemPrompt.length > 20_000) {
      throw invalidArgument(`${field}.system_prompt`, 'must be at most 20000 characters');
    }
    if (expert.examples.length > MAX_EXAMPLES) throw invalidArgument(`${field}.examples`, `must have at most ${MAX_EXAMPLES} examples`);
    const examples = expert.examples.map((example, exampleIndex) => {
      const trimmed = example.trim();
      if (trimmed === '' || trimmed.length > 2000) throw invalidArgument(`${field}.examples[${exampleIndex}]`, 'must be 1–2000 characters');
      return trimmed;
    });
    return { name, description, route, providerId, upstreamModel, systemPrompt: expert.systemPrompt ?? null, examples };
  });
  const byName = new Map(experts.map((expert) => [expert.name.toLowerCase(), expert.name]));
  const fallbackExpert = byName.get(config.fallbackExpert.trim().toLowerCase());
  if (fallbackExpert === undefined) {
    throw invalidArgument('expert.fallback_expert', config.fallbackExpert.trim() === '' ? 'is required' : `names no expert ("${config.fallbackExpert}")`);
  }
  return {
    experts,
    fallbackExpert,
    classifier: validateClassifier(routeName, config.classifier, byName, experts),
    preprocessing: validatePreprocessing(config.preprocessing),
    decisionCacheTtlMs: durationField('expert.decision_cache_ttl', config.decisionCacheTtl, DEFAULT_DECISION_CACHE_TTL_MS, 0, 86_400_000),
  };
}

function validateClassifier(
  routeName: string,
  classifier: ExpertClassifier | undefined,
  byName: ReadonlyMap<string, string>,
  experts: ExpertRecord[],
): ExpertClassifierRecord {
  if (classifier === undefined) throw invalidArgument('expert.classifier', 'is required');
  const type = expertClassifierName(classifier.type);
  if (type === undefined) throw invalidArgument('expert.classifier.type', 'is required (LLM, RULES or EMBEDDING)');
  const judgeModel = classifier.judgeModel.trim();
  if (type === 'llm') {
    validateRouteName('expert.classifier.judge_model', judgeModel);
    // The judge is called through the gateway: judging with this route would classify forever.
    if (judgeModel === routeName) throw invalidArgument('expert.classifier.judge_model', 'cannot be the expert route itself');
  }
  const embeddingModel = classifier.embeddingModel.trim();
  if (type === 'embedding') {
    validateRouteName('expert.classifier.embedding_model', embeddingModel);
    if (experts.every((expert) => expert.examples.length === 0)) {
      throw invalidArgument('expert.experts', 'the embedding classifier needs examples on at least one expert');
    }
  }
  if (classifier.rules.length > MAX_RULES) throw invalidArgument('expert.classifier.rules', `must have at most ${MAX_RULES} rules`);
  if (type === 'rules' && classifier.rules.length === 0) throw invalidArgument('expert.classifier.rules', 'needs at least one rule');
  const rules = classifier.rules.map((rule, index) => {
    const field = `expert.classifier.rules[${index}]`;
    const expert = byName.get(rule.expert.trim().toLowerCase());
    if (expert === undefined) throw invalidArgument(`${field}.expert`, `names no expert ("${rule.expert}")`);
    const pattern = rule.pattern.trim();
    const keywords = rule.keywords.map((keyword) => keyword.trim()).filter((keyword) => keyword !== '');
    if ((pattern === '') === (keywords.length === 0)) throw invalidArgument(field, 'set either pattern or keywords');
    if (pattern.length > 1000) throw invalidArgument(`${field}.pattern`, 'must be at most 1000 characters');
    if (pattern !== '') {
      try {
        compileLinearRegex(pattern, 'i');
      } catch (error) {
        if (!(error instanceof LinearRegexError)) throw error;
        throw invalidArgument(`${field}.pattern`, `does not compile on ${LINEAR_REGEX_LIMITS}: ${error.message}`);
      }
    }
    return { pattern, keywords, expert };
  });
  const threshold = classifier.similarityThreshold ?? DEFAULT_SIMILARITY_THRESHOLD;
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    throw invalidArgument('expert.classifier.similarity_threshold', 'must be between 0 and 1');
  }
  return {
    type,
    judgeModel,
    timeoutMs: durationField('expert.classifier.timeout', classifier.timeout, DEFAULT_JUDGE_TIMEOUT_MS, 100, 60_000),
    rules,
    embeddingModel,
    similarityThreshold: threshold,
  };
}

function validatePreprocessing(options: ExpertPreprocessing | undefined): ExpertPreprocessingRecord {
  const keepLastTurns = options?.keepLastTurns ?? 0;
  if (keepLastTurns > 50) throw invalidArgument('expert.preprocessing.keep_last_turns', 'must be at most 50');
  const maxCharacters = options?.maxCharacters ?? DEFAULT_MAX_CHARACTERS;
  if (maxCharacters < 100 || maxCharacters > 100_000) {
    throw invalidArgument('expert.preprocessing.max_characters', 'must be between 100 and 100000');
  }
  return {
    keepLastTurns,
    stripToolResults: options?.stripToolResults ?? false,
    stripCodeBlocksOverLines: options?.stripCodeBlocksOverLines ?? 0,
    stripSystemPrompt: options?.stripSystemPrompt ?? false,
    stripAttachments: options?.stripAttachments ?? false,
    maxCharacters,
  };
}

function durationField(field: string, value: Duration | undefined, fallback: number, minMs: number, maxMs: number): number {
  if (value === undefined) return fallback;
  const ms = durationMs(value);
  if (!Number.isSafeInteger(ms) || ms < minMs || ms > maxMs) throw invalidArgument(field, `must be between ${minMs} ms and ${maxMs} ms`);
  return ms;
}

/** The route's targets, derived from its experts (each target once, in expert order): health, graph and delete checks use them. */
export function expertTargets(config: ExpertRoutingRecord): RouteTargetRecord[] {
  const seen = new Set<string>();
  const targets: RouteTargetRecord[] = [];
  for (const { route, providerId, upstreamModel } of config.experts) {
    const key = route !== '' ? `route:${route}` : `model:${providerId}/${upstreamModel}`;
    if (seen.has(key)) continue;
    seen.add(key);
    targets.push({ route, providerId, upstreamModel, weight: 1 });
  }
  return targets;
}

/** Each expert's route exists, each provider target names a provider serving that model. */
export async function checkExpertTargetsExist(
  config: ExpertRoutingRecord,
  routes: ReadonlyMap<string, RouteRecord>,
  providers: Pick<ProvidersRepository, 'get'>,
): Promise<void> {
  for (const [index, expert] of config.experts.entries()) {
    const field = `expert.experts[${index}]`;
    if (expert.route !== '') {
      if (!routes.has(expert.route)) throw invalidArgument(`${field}.route`, `route "${expert.route}" does not exist`);
      continue;
    }
    const provider = await providers.get(expert.providerId);
    if (provider === null) throw invalidArgument(`${field}.provider_id`, `provider "${expert.providerId}" does not exist`);
    if (!provider.models.some((model) => model.upstreamModel === expert.upstreamModel)) {
      throw invalidArgument(`${field}.upstream_model`, `provider "${provider.id}" does not serve "${expert.upstreamModel}"`);
    }
  }
}
