import { describe, expect, it } from 'vitest';
import { decodeEmbedding, mapEmbeddings } from '../../../src/providers/openai/map-embeddings.js';

describe('mapEmbeddings', () => {
  it('orders vectors by index and maps usage', () => {
    const result = mapEmbeddings({
      data: [
        { index: 1, embedding: [0.5, 0.25] },
        { index: 0, embedding: [0.125, 1] },
      ],
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
    expect(result.vectors).toEqual([
      [0.125, 1],
      [0.5, 0.25],
    ]);
    expect(result.usage).toMatchObject({ inputTokens: 4, totalTokens: 4 });
  });

  it('decodes base64 little-endian float32', () => {
    const base64 = Buffer.from(new Float32Array([0.5, -2, 0.25]).buffer).toString('base64');
    expect(decodeEmbedding(base64)).toEqual([0.5, -2, 0.25]);
  });
});
