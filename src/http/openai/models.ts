// Canonical ModelInfo → OpenAI `model` objects (`GET /v1/models[/{id}]`).
import type { ModelInfo } from '../../../gen/llmgateway/v1/completion_service_pb.js';

export interface OpenAIModel {
  id: string;
  object: 'model';
  /** The gateway does not know when a provider published a model. */
  created: number;
  owned_by: string;
}

export function renderModel(model: ModelInfo): OpenAIModel {
  return { id: model.id, object: 'model', created: 0, owned_by: model.providerId || 'llm-gateway' };
}

export function renderModelList(models: ModelInfo[]): { object: 'list'; data: OpenAIModel[] } {
  return { object: 'list', data: models.map(renderModel) };
}
