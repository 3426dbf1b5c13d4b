// Admin probes of a provider through its real adapter: a tiny completion
// (reachability, credentials, latency) and the upstream's model list.
import { create } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { ChatRequestSchema, Role } from '../../../../gen/llmgateway/v1/chat_pb.js';
import {
  DiscoveredModelSchema,
  TestProviderResponseSchema,
  type DiscoveredModel,
  type TestProviderResponse,
} from '../../../../gen/llmgateway/v1/providers_service_pb.js';
import { GatewayError, invalidArgument, notFound } from '../../../domain/gateway-error.js';
import type { CatalogProvider, ProviderCatalog } from '../../completion/provider-catalog.js';

const PROBE_TIMEOUT_MS = 30_000;

export interface ProviderProbe {
  test(id: string, upstreamModel: string): Promise<TestProviderResponse>;
  discover(id: string): Promise<DiscoveredModel[]>;
}

export function createProviderProbe(catalog: ProviderCatalog, now: () => number = Date.now): ProviderProbe {
  const find = async (id: string): Promise<CatalogProvider> => {
    if (!id) throw invalidArgument('id', 'is required');
    const provider = (await catalog.snapshot()).providers.get(id);
    if (!provider) throw notFound('provider', id);
    return provider;
  };

  return {
    async test(id, requestedModel) {
      const provider = await find(id);
      const model = requestedModel
        ? provider.record.models.find((candidate) => candidate.upstreamModel === requestedModel)
        : provider.record.models.find((candidate) => candidate.enabled);
      const upstreamModel = requestedModel || model?.upstreamModel;
      if (!upstreamModel) throw invalidArgument('upstream_model', 'is required: the provider lists no enabled model');
      const request = create(ChatRequestSchema, {
        model: upstreamModel,
        messages: [{ role: Role.USER, content: [{ kind: { case: 'text', value: { text: 'Reply with OK.' } } }] }],
        maxOutputTokens: 16,
      });
      const startedAt = now();
      try {
        await provider
          .adapter()
          .complete(request, { upstreamModel, deployment: model?.deployment ?? '' }, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
        return create(TestProviderResponseSchema, { ok: true, upstreamModel, latency: durationFromMs(now() - startedAt) });
      } catch (error) {
        const failure = error instanceof GatewayError ? error : new GatewayError('internal', 'the probe failed unexpectedly');
        return create(TestProviderResponseSchema, {
          ok: false,
          upstreamModel,
          latency: durationFromMs(now() - startedAt),
          errorKind: failure.kind,
          errorMessage: failure.message,
          upstreamStatus: failure.upstreamStatus ?? 0,
        });
      }
    },

    async discover(id) {
      const provider = await find(id);
      const configured = new Set(provider.record.models.map((model) => model.upstreamModel));
      const listed = await provider.adapter().listModels({ signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      return [...new Set(listed)]
        .sort()
        .map((upstreamModel) => create(DiscoveredModelSchema, { upstreamModel, configured: configured.has(upstreamModel) }));
    },
  };
}
