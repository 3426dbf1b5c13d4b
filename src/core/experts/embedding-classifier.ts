// The embedding classifier: embed the input (and, once, every expert's examples), take each expert's best
// cosine similarity over its examples, and answer with the best expert at or above the threshold.
// Example vectors are cached per (model, example) so each example is embedded once.
import { LRUCache } from 'lru-cache';
import type { Classification, EmbedFn, ExpertRoutingConfig } from './expert-types.js';

export interface EmbeddingClassification extends Classification {
  /** The best similarity seen (-1 without any example). */
  similarity: number;
}

export interface EmbeddingClassifier {
  classify(config: ExpertRoutingConfig, input: string, embed: EmbedFn, signal: AbortSignal): Promise<EmbeddingClassification>;
}

export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  const length = Math.min(a.length, b.length);
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < length; index += 1) {
    const x = a[index] ?? 0;
    const y = b[index] ?? 0;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  if (normA === 0 || normB === 0 || a.length !== b.length) return 0;
  return dot / Math.sqrt(normA * normB);
}

export function createEmbeddingClassifier(options: { maxCachedVectors?: number } = {}): EmbeddingClassifier {
  const vectors = new LRUCache<string, number[]>({ max: options.maxCachedVectors ?? 10_000 });
  const keyOf = (model: string, example: string) => `${model}\u0000${example}`;

  return {
    async classify(config, input, embed, signal) {
      const model = config.classifier.embeddingModel;
      const examples = [...new Set(config.experts.flatMap((expert) => expert.examples))];
      const missing = examples.filter((example) => !vectors.has(keyOf(model, example)));
      const texts = [input, ...missing];
      const result = await embed(model, texts, signal);
      if (result.vectors.length !== texts.length) {
        throw new Error(`the embedding model returned ${result.vectors.length} vectors for ${texts.length} inputs`);
      }
      const [inputVector, ...fresh] = result.vectors;
      missing.forEach((example, index) => {
        const vector = fresh[index];
        if (vector !== undefined) vectors.set(keyOf(model, example), vector);
      });
      // Examples evicted between the check and now are simply skipped this time.
      let best: { expert: string; similarity: number } | null = null;
      for (const expert of config.experts) {
        for (const example of expert.examples) {
          const vector = vectors.get(keyOf(model, example));
          if (vector === undefined || inputVector === undefined) continue;
          const similarity = cosineSimilarity(inputVector, vector);
          if (best === null || similarity > best.similarity) best = { expert: expert.name, similarity };
        }
      }
      const similarity = best?.similarity ?? -1;
      const chosen = best !== null && similarity >= config.classifier.similarityThreshold ? best.expert : null;
      return { expert: chosen, tokens: result.tokens, similarity };
    },
  };
}
