// Canonical ModelInfo → Gemini `Model` resources (`GET /v1beta/models`,
// https://ai.google.dev/api/models): the name a client sends, as
// `models/<id>`, paged by pageSize / pageToken (an offset, opaque to clients).
import type { ModelInfo } from '../../../gen/llmgateway/v1/completion_service_pb.js';
import type { GeminiWireModel } from './gemini-wire.js';
import { modelResourceName } from './gemini-names.js';
import { invalidValue } from './request-error.js';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;
/** What the gateway serves for any model it lists (it cannot tell chat from embedding models). */
const METHODS = ['generateContent', 'streamGenerateContent', 'countTokens', 'embedContent', 'batchEmbedContents'];

export function renderModel(model: ModelInfo): GeminiWireModel {
  return {
    name: modelResourceName(model.id),
    baseModelId: model.id,
    version: model.upstreamModel || model.id,
    displayName: model.id,
    description: model.kind === 'route' ? `gateway route ${model.id}` : `${model.upstreamModel} on provider ${model.providerId}`,
    supportedGenerationMethods: METHODS,
  };
}

export function renderModelPage(models: ModelInfo[], query: Record<string, unknown>): { models: GeminiWireModel[]; nextPageToken?: string } {
  const sizeText = typeof query['pageSize'] === 'string' ? query['pageSize'] : undefined;
  const size = sizeText === undefined ? DEFAULT_PAGE_SIZE : Number(sizeText);
  if (!Number.isInteger(size) || size < 0) throw invalidValue('pageSize', 'must be a non-negative integer');
  const pageSize = size === 0 ? DEFAULT_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE);
  const token = typeof query['pageToken'] === 'string' && query['pageToken'] !== '' ? query['pageToken'] : undefined;
  const offset = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) throw invalidValue('pageToken', 'is not a page token this gateway issued');
  const page = models.slice(offset, offset + pageSize).map(renderModel);
  const next = offset + pageSize;
  return { models: page, ...(next < models.length ? { nextPageToken: Buffer.from(String(next), 'utf8').toString('base64url') } : {}) };
}
