// Canonical ModelInfo → Anthropic's model objects and list pages (https://docs.anthropic.com/en/api/models-list,
// https://docs.anthropic.com/en/api/models). The paths, GET /v1/models[/{id}], are OpenAI's too: the Anthropic
// SDKs always send `anthropic-version`, so that header picks this shape (openai-surface.ts).
import type { ModelInfo } from '../../../gen/llmgateway/v1/completion_service_pb.js';
import { invalidArgument } from '../../domain/gateway-error.js';

export interface AnthropicModel {
  type: 'model';
  id: string;
  display_name: string;
  /** "May be set to an epoch value if the release date is unknown": the gateway does not know it. */
  created_at: string;
}

export interface AnthropicModelPage {
  data: AnthropicModel[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

const UNKNOWN_RELEASE = '1970-01-01T00:00:00Z';
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

export const speaksAnthropic = (headers: Record<string, unknown>): boolean => headers['anthropic-version'] !== undefined;

export function renderAnthropicModel(model: ModelInfo): AnthropicModel {
  return { type: 'model', id: model.id, display_name: model.id, created_at: UNKNOWN_RELEASE };
}

/** One page by `limit` (1–1000, default 20) after `after_id` or before `before_id`, as the Anthropic SDKs page. */
export function renderAnthropicModelPage(models: ModelInfo[], query: Record<string, unknown>): AnthropicModelPage {
  const limit = limitOf(query['limit']);
  const afterId = textOf(query['after_id']);
  const beforeId = textOf(query['before_id']);
  let start = 0;
  let end = Math.min(models.length, limit);
  let hasMore = end < models.length;
  if (afterId !== undefined) {
    start = indexOf(models, afterId, 'after_id') + 1;
    end = Math.min(models.length, start + limit);
    hasMore = end < models.length;
  } else if (beforeId !== undefined) {
    end = indexOf(models, beforeId, 'before_id');
    start = Math.max(0, end - limit);
    hasMore = start > 0;
  }
  const data = models.slice(start, end).map(renderAnthropicModel);
  return { data, has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

function limitOf(value: unknown): number {
  if (value === undefined) return DEFAULT_LIMIT;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw invalidArgument('limit', `must be a whole number from 1 to ${MAX_LIMIT}`);
  return limit;
}

const textOf = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function indexOf(models: ModelInfo[], id: string, field: string): number {
  const index = models.findIndex((model) => model.id === id);
  if (index < 0) throw invalidArgument(field, `"${id}" is not a model this key can list`);
  return index;
}
