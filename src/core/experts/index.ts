// Expert routing: a classifier picks the expert model best suited to each request.
export * from './expert-types.js';
export { preprocess, stripCodeBlocks } from './preprocess.js';
export { rulesClassifier } from './rules-classifier.js';
export { cosineSimilarity, createEmbeddingClassifier, type EmbeddingClassifier } from './embedding-classifier.js';
export { ClassifierTimeoutError, llmClassifier, routerPrompt, routerRequest } from './llm-classifier.js';
export { parseExpertAnswer } from './parse-expert-answer.js';
export {
  createExpertRouter,
  type ExpertChoice,
  type ExpertDecisionEvent,
  type ExpertRouteConfig,
  type ExpertRouter,
  type ExpertRouterOptions,
} from './expert-router.js';
export { classifierDepsVia, expertTarget, withExpertSystemPrompt } from './core-adapters.js';
