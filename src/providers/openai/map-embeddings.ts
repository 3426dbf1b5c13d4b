// An embeddings answer → vectors in input order and canonical usage. The
// adapter asks for `encoding_format: "float"`, but hosts that ignore it (or a
// provider_options override) may still answer base64 float32: decode that.
import { create } from '@bufbuild/protobuf';
import { UsageSchema, type Usage } from '../../../gen/llmgateway/v1/chat_pb.js';
import { isJsonObject, requireAnswerObject, UpstreamFault } from '../shared/upstream-fault.js';
import type { WireEmbeddingResponse } from './wire-types.js';

export interface MappedEmbeddings {
  vectors: number[][];
  usage: Usage | undefined;
}

export function mapEmbeddings(answer: WireEmbeddingResponse | undefined): MappedEmbeddings {
  const response = requireAnswerObject(answer) as WireEmbeddingResponse;
  if (!Array.isArray(response.data) || !response.data.every(isJsonObject)) throw new UpstreamFault('malformed_body', 'no data array');
  const rows = [...response.data].map((row, position) => ({ index: row.index ?? position, embedding: row.embedding }));
  rows.sort((left, right) => left.index - right.index);
  const vectors = rows.map((row) => decodeEmbedding(row.embedding));
  const input = response.usage?.prompt_tokens ?? undefined;
  const usage =
    input == null ? undefined : create(UsageSchema, { inputTokens: input, totalTokens: response.usage?.total_tokens ?? input });
  return { vectors, usage };
}

export function decodeEmbedding(embedding: number[] | string | undefined): number[] {
  if (Array.isArray(embedding)) return embedding;
  if (typeof embedding !== 'string') return [];
  const bytes = Buffer.from(embedding, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vector: number[] = [];
  for (let offset = 0; offset + 4 <= bytes.byteLength; offset += 4) vector.push(view.getFloat32(offset, true));
  return vector;
}
