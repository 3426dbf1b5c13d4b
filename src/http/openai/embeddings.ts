// OpenAI `/v1/embeddings` ⇄ canonical EmbedRequest / EmbedResponse.
// `encoding_format: "base64"` (the openai SDK's default) is little-endian
// float32, base64-encoded.
import { create } from '@bufbuild/protobuf';
import {
  EmbedRequestSchema,
  type EmbedRequest,
  type EmbedResponse,
} from '../../../gen/llmgateway/v1/completion_service_pb.js';
import { invalidType, invalidValue, isRecord, missingParameter, optionalEnum, optionalInteger, optionalString, requiredString, shallowBody, tooDeep } from './request-error.js';
import { unknownFields } from '../json-readers.js';

export type EncodingFormat = 'float' | 'base64';

export interface ParsedEmbeddingsRequest {
  embed: EmbedRequest;
  encodingFormat: EncodingFormat;
}

export interface OpenAIEmbeddingsResponse {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

const KNOWN = new Set(['model', 'input', 'encoding_format', 'dimensions', 'user']);
const isKnown = (name: string) => KNOWN.has(name);

export function parseEmbeddingsRequest(body: unknown): ParsedEmbeddingsRequest {
  shallowBody(body);
  if (!isRecord(body)) throw invalidType('body', 'a JSON object', body);
  const model = requiredString(body['model'], 'model');
  if (model.trim() === '') throw invalidValue('model', 'must not be empty.');
  const embed = create(EmbedRequestSchema, {
    model,
    inputs: parseInput(body['input']),
    dimensions: optionalInteger(body['dimensions'], 'dimensions', { min: 1, max: 65_536 }),
    user: optionalString(body['user'], 'user') ?? '',
  });
  const extra = unknownFields(body, isKnown, tooDeep);
  if (extra) embed.providerOptions = extra;
  const encodingFormat = optionalEnum(body['encoding_format'], 'encoding_format', ['float', 'base64'] as const) ?? 'float';
  return { embed, encodingFormat };
}

function parseInput(value: unknown): string[] {
  if (value === undefined || value === null) throw missingParameter('input');
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) throw invalidType('input', 'a string or an array of strings', value);
  if (value.length === 0) throw invalidValue('input', 'expected at least one input.', 'empty_array');
  return value.map((entry, index) => {
    if (typeof entry === 'string') return entry;
    if (typeof entry === 'number' || Array.isArray(entry)) {
      throw invalidValue('input', 'token arrays are not supported by this gateway; send text.', 'unsupported_value');
    }
    throw invalidType(`input[${index}]`, 'a string', entry);
  });
}

export function renderEmbeddings(response: EmbedResponse, encodingFormat: EncodingFormat): OpenAIEmbeddingsResponse {
  const promptTokens = response.usage?.inputTokens ?? 0;
  return {
    object: 'list',
    data: response.embeddings.map((embedding) => ({
      object: 'embedding',
      index: embedding.index,
      embedding: encodingFormat === 'base64' ? toBase64Float32(embedding.values) : embedding.values,
    })),
    model: response.model,
    usage: { prompt_tokens: promptTokens, total_tokens: response.usage?.totalTokens || promptTokens },
  };
}

function toBase64Float32(values: number[]): string {
  const buffer = Buffer.alloc(values.length * 4);
  values.forEach((value, index) => buffer.writeFloatLE(value, index * 4));
  return buffer.toString('base64');
}
