// Old providers and real models → the gateway's providers and their models.
// The old system chose the upstream protocol per model (`models.protocol`, base
// URL from `providers.protocol_mappings`); here a provider has one type, so one
// old provider becomes one provider per protocol its models use: the protocol
// its base URL implies keeps the old id, others get `<id>-<protocol>`.
import { create } from '@bufbuild/protobuf';
import {
  CreateProviderRequestSchema,
  ProviderModelSchema,
  ProviderType,
  type CreateProviderRequest,
} from '../../../gen/llmgateway/v1/providers_service_pb.js';
import type { Unmapped } from '../import-draft.js';
import { decryptLegacySecret, LegacySecretError } from './legacy-crypto.js';
import type { LegacyTables } from './legacy-database.js';
import { modelAttributes } from './legacy-model-attributes.js';
import { asString, flag, isRecord, jsonColumn, text } from './legacy-rows.js';

export type LegacyProtocol = 'openai' | 'anthropic' | 'google';

export interface ModelRef {
  providerId: string;
  upstreamModel: string;
}

export interface LegacyCatalog {
  providers: CreateProviderRequest[];
  /** Old real model id → where it lives now, and the allowed-model entries that let a key use it. */
  realModels: Map<string, { ref: ModelRef; names: string[] }>;
  /** Old names that could not become an alias (another model of the provider already has the identifier): route name → target. */
  extraNames: Map<string, ModelRef>;
  /** The provider model for an old provider id + upstream model in a protocol; added to that provider when missing. Undefined when the provider was not imported. */
  modelFor(legacyProviderId: string, upstreamModel: string, protocol?: LegacyProtocol): ModelRef | undefined;
  /** The protocol of the old real model with this identifier or name (under that provider first), default openai. */
  protocolOf(legacyProviderId: string, model: string): LegacyProtocol;
}

const protocolOfRow = (value: string): LegacyProtocol => (value === 'anthropic' || value === 'google' ? value : 'openai');

/** The protocol the old Portkey-era code derived from a base URL. */
function impliedProtocol(baseUrl: string): LegacyProtocol {
  if (baseUrl.includes('generativelanguage.googleapis.com') || baseUrl.includes('gemini')) return 'google';
  return baseUrl.includes('anthropic') ? 'anthropic' : 'openai';
}

function providerShape(protocol: LegacyProtocol, baseUrl: string): { type: ProviderType; baseUrl: string } {
  const trimmed = baseUrl.trim().replace(/\/+$/, '');
  if (protocol === 'anthropic') return { type: ProviderType.ANTHROPIC, baseUrl: /\/\/api\.anthropic\.com$/.test(trimmed) ? '' : trimmed };
  // The old gateway sent google models to Google's OpenAI-compatible endpoint; the Gemini adapter speaks the native API there.
  if (protocol === 'google' && trimmed.includes('generativelanguage.googleapis.com')) return { type: ProviderType.GEMINI, baseUrl: '' };
  if (/^https:\/\/api\.openai\.com(\/v1)?$/.test(trimmed)) return { type: ProviderType.OPENAI, baseUrl: '' };
  return { type: ProviderType.OPENAI_COMPATIBLE, baseUrl: trimmed };
}

export function buildLegacyCatalog(tables: LegacyTables, jwtSecret: string, unmapped: Unmapped[]): LegacyCatalog {
  const drafts = new Map<string, CreateProviderRequest>();
  /** old provider id → protocol → our provider id */
  const groups = new Map<string, Map<LegacyProtocol, string>>();
  const legacyProviders = new Map<string, { baseUrl: string; mappings: Record<string, unknown>; name: string; apiKey: string }>();

  for (const row of tables.providers) {
    const id = text(row, 'id');
    const source = `providers[${id}]`;
    let apiKey = '';
    const stored = text(row, 'api_key');
    if (stored !== '') {
      try {
        apiKey = decryptLegacySecret(stored, jwtSecret);
      } catch (error) {
        const why = error instanceof LegacySecretError ? error.message : 'it could not be read';
        unmapped.push({ source: `${source}.api_key`, reason: `${why}; the provider (and route targets on it) were not imported — re-run with the right --jwt-secret` });
        continue;
      }
    }
    const mappings = jsonColumn(row, 'protocol_mappings', source, unmapped);
    legacyProviders.set(id, { baseUrl: text(row, 'base_url'), mappings: isRecord(mappings) ? mappings : {}, name: text(row, 'name') || id, apiKey });
    groups.set(id, new Map());
    if (!flag(row, 'enabled', true)) {
      unmapped.push({ source: `${source}.enabled`, reason: 'was off, which the old router ignored (it still routed); imported enabled to keep behaviour' });
    }
    if (isRecord(jsonColumn(row, 'model_mapping', source, unmapped))) {
      unmapped.push({ source: `${source}.model_mapping`, reason: 'was unused by the old gateway; not imported' });
    }
  }

  const ensureProvider = (legacyId: string, protocol: LegacyProtocol): CreateProviderRequest | undefined => {
    const legacy = legacyProviders.get(legacyId);
    const byProtocol = groups.get(legacyId);
    if (!legacy || !byProtocol) return undefined;
    const existingId = byProtocol.get(protocol);
    if (existingId) return drafts.get(existingId);
    const id = protocol === impliedProtocol(legacy.baseUrl) ? legacyId : `${legacyId}-${protocol}`;
    const baseUrl = asString(legacy.mappings[protocol]) || legacy.baseUrl;
    const shape = providerShape(protocol, baseUrl);
    if (legacy.apiKey === '' && shape.type !== ProviderType.OPENAI_COMPATIBLE) {
      unmapped.push({ source: `providers[${legacyId}].api_key`, reason: `is empty, but a ${protocol} provider needs one; not imported` });
      groups.delete(legacyId);
      return undefined;
    }
    const name = id === legacyId ? legacy.name : `${legacy.name} (${protocol})`;
    const draft = create(CreateProviderRequestSchema, { id, name, ...shape, apiKey: legacy.apiKey, enabled: true, models: [] });
    drafts.set(id, draft);
    byProtocol.set(protocol, id);
    return draft;
  };

  const addModel = (draft: CreateProviderRequest, upstreamModel: string, alias = ''): boolean => {
    const taken = new Set(draft.models.flatMap((model) => [model.upstreamModel, model.alias]).filter(Boolean));
    const existing = draft.models.find((model) => model.upstreamModel === upstreamModel);
    if (existing) return alias === '' || alias === upstreamModel || existing.alias === alias;
    if (alias !== '' && taken.has(alias)) alias = '';
    draft.models.push(create(ProviderModelSchema, { upstreamModel, alias: alias === upstreamModel ? '' : alias, enabled: true }));
    return true;
  };

  const realModels = new Map<string, { ref: ModelRef; names: string[] }>();
  const extraNames = new Map<string, ModelRef>();
  const protocolByName = new Map<string, LegacyProtocol>();
  for (const row of tables.models) {
    if (flag(row, 'is_virtual')) continue;
    const id = text(row, 'id');
    const source = `models[${id}]`;
    const legacyProviderId = text(row, 'provider_id');
    const upstreamModel = text(row, 'model_identifier').trim();
    const name = text(row, 'name').trim();
    const protocol = protocolOfRow(text(row, 'protocol'));
    protocolByName.set(`${legacyProviderId}\n${upstreamModel}`, protocol).set(`${legacyProviderId}\n${name}`, protocol);
    protocolByName.set(`\n${upstreamModel}`, protocol).set(`\n${name}`, protocol);
    const draft = ensureProvider(legacyProviderId, protocol);
    if (!draft) {
      if (!legacyProviders.has(legacyProviderId) && !tables.providers.some((provider) => text(provider, 'id') === legacyProviderId)) {
        unmapped.push({ source, reason: `names provider "${legacyProviderId}", which does not exist; not imported` });
      }
      continue;
    }
    if (upstreamModel === '' || /\s/.test(upstreamModel)) {
      unmapped.push({ source, reason: 'has no usable model_identifier; not imported' });
      continue;
    }
    const ref = { providerId: draft.id, upstreamModel };
    if (!addModel(draft, upstreamModel, name)) extraNames.set(name, ref);
    // Qualified, so a key bound to this model does not also reach another provider's model of the same id;
    // the gateway matches it for requests by alias or bare identifier too. A second name became a route.
    realModels.set(id, { ref, names: [`${draft.id}/${upstreamModel}`, ...(extraNames.has(name) ? [name] : [])] });
    modelAttributes(row, source, draft, upstreamModel, unmapped);
    if (!flag(row, 'enabled', true)) {
      unmapped.push({ source: `${source}.enabled`, reason: 'was off, which only hid it from /v1/models in the old gateway; imported enabled' });
    }
  }
  // Providers without models still come over (routing configs may name them).
  for (const [legacyId, legacy] of legacyProviders) {
    if (groups.get(legacyId)?.size === 0) ensureProvider(legacyId, impliedProtocol(legacy.baseUrl));
  }

  return {
    providers: [...drafts.values()],
    realModels,
    extraNames,
    protocolOf: (legacyProviderId, model) =>
      protocolByName.get(`${legacyProviderId}\n${model}`) ?? protocolByName.get(`\n${model}`) ?? 'openai',
    modelFor(legacyProviderId, upstreamModel, protocol) {
      const draft = ensureProvider(legacyProviderId, protocol ?? this.protocolOf(legacyProviderId, upstreamModel));
      if (!draft) return undefined;
      // An old alias sent upstream as-is would fail there; its model is what was meant.
      const byAlias = draft.models.find((model) => model.alias === upstreamModel);
      if (byAlias) return { providerId: draft.id, upstreamModel: byAlias.upstreamModel };
      addModel(draft, upstreamModel);
      return { providerId: draft.id, upstreamModel };
    },
  };
}
