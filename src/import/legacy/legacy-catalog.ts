// Old providers and real models → the gateway's providers and their models.
// The old system chose the upstream protocol per model (`models.protocol`, base
// URL from `providers.protocol_mappings`); here a provider has one type, so one
// old provider becomes one provider per protocol its models use: the protocol
// its base URL implies keeps the old id, others get `<id>-<protocol>` — or, when
// that is another old provider's id, the first free `<id>-<protocol>-<n>`.
import { create } from '@bufbuild/protobuf';
import {
  CreateProviderRequestSchema,
  ProviderModelSchema,
  ProviderType,
  type CreateProviderRequest,
  type ProviderModel,
} from '../../../gen/llmgateway/v1/providers_service_pb.js';
import { cutToLength, singleLine } from '../gateway-text.js';
import type { Unmapped } from '../import-draft.js';
import type { LegacyTables } from './legacy-database.js';
import { modelAttributes } from './legacy-model-attributes.js';
import { isModelName, isRouteName } from './legacy-names.js';
import { decryptProviderKeys } from './legacy-provider-secrets.js';
import { asString, flag, isRecord, jsonColumn, text } from './legacy-rows.js';

export type LegacyProtocol = 'openai' | 'anthropic' | 'google';

export interface ModelRef {
  providerId: string;
  upstreamModel: string;
}

/** An old model's name that does not carry over as a name of that model here, and why. */
export interface LostName {
  modelId: string;
  name: string;
  ref: ModelRef;
  reason: string;
}

export interface LegacyCatalog {
  providers: CreateProviderRequest[];
  /** Old real model id → where it lives now, and the allowed-model entries that let a key use it. */
  realModels: Map<string, { ref: ModelRef; names: string[] }>;
  /** Old names that could not become an alias (the model already has another): route name → target. */
  extraNames: Map<string, ModelRef>;
  /** Old model names that are no name of their model here. */
  lostNames: LostName[];
  /** Old provider ids skipped because their key did not decrypt with the given secret. */
  undecryptable: Set<string>;
  /** Old real model id → its old provider id, for the models skipped with such a provider. */
  undecryptableModels: Map<string, string>;
  /** The providers this import made from an old provider (one per protocol); empty when it was not imported. */
  providersFrom(legacyProviderId: string): string[];
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
  const { apiKeys, undecryptable } = decryptProviderKeys(tables, jwtSecret, unmapped);
  const drafts = new Map<string, CreateProviderRequest>();
  /** old provider id → protocol → our provider id */
  const groups = new Map<string, Map<LegacyProtocol, string>>();
  const legacyProviders = new Map<string, { baseUrl: string; mappings: Record<string, unknown>; name: string; apiKey: string }>();
  // Every old provider's id is reserved first, imported or not, so a derived id never takes one over.
  const legacyIds = new Set(tables.providers.map((row) => text(row, 'id')));
  const usedIds = new Set(legacyIds);

  for (const row of tables.providers) {
    const id = text(row, 'id');
    const source = `providers[${id}]`;
    const apiKey = apiKeys.get(id);
    if (apiKey === undefined) continue;
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

  const derivedId = (legacyId: string, protocol: LegacyProtocol): string => {
    const wanted = `${legacyId}-${protocol}`;
    let id = wanted;
    for (let suffix = 2; usedIds.has(id); suffix += 1) id = `${wanted}-${suffix}`;
    usedIds.add(id);
    if (id !== wanted) {
      unmapped.push({ source: `providers[${legacyId}]`, reason: `its ${protocol} models need a provider of their own here; "${wanted}" is another old provider's id, so that provider is "${id}"` });
    }
    return id;
  };

  const ensureProvider = (legacyId: string, protocol: LegacyProtocol): CreateProviderRequest | undefined => {
    const legacy = legacyProviders.get(legacyId);
    const byProtocol = groups.get(legacyId);
    if (!legacy || !byProtocol) return undefined;
    const existingId = byProtocol.get(protocol);
    if (existingId) return drafts.get(existingId);
    const baseUrl = asString(legacy.mappings[protocol]) || legacy.baseUrl;
    const shape = providerShape(protocol, baseUrl);
    if (legacy.apiKey === '' && shape.type !== ProviderType.OPENAI_COMPATIBLE) {
      unmapped.push({ source: `providers[${legacyId}].api_key`, reason: `is empty, but a ${protocol} provider needs one; not imported` });
      groups.delete(legacyId);
      return undefined;
    }
    const id = protocol === impliedProtocol(legacy.baseUrl) ? legacyId : derivedId(legacyId, protocol);
    const suffix = id === legacyId ? '' : ` (${protocol})`;
    const name = `${cutToLength(singleLine(legacy.name), 200 - suffix.length) || legacyId}${suffix}`;
    const draft = create(CreateProviderRequestSchema, { id, name, ...shape, apiKey: legacy.apiKey, enabled: true, models: [] });
    drafts.set(id, draft);
    byProtocol.set(protocol, id);
    return draft;
  };

  /** provider id + name → the old model that answers to that name there (by identifier or alias). */
  const holders = new Map<string, { modelId: string; kind: 'identifier' | 'name' }>();
  const holderText = (holder: { modelId: string; kind: string }, providerId: string) =>
    `${holder.kind === 'identifier' ? 'the identifier' : 'already the name'} of ${holder.modelId === '' ? 'another model' : `models[${holder.modelId}]`} on provider "${providerId}"`;
  const lostNames: LostName[] = [];
  const aliasOwners = new Map<ProviderModel, string>();

  /** The provider's model with this identifier, added when missing. An alias equal to it goes: the identifier is the model's own name. */
  const ensureModel = (draft: CreateProviderRequest, upstreamModel: string, modelId = ''): ProviderModel => {
    const existing = draft.models.find((model) => model.upstreamModel === upstreamModel);
    if (existing) return existing;
    const aliased = draft.models.find((model) => model.alias === upstreamModel);
    if (aliased) {
      aliased.alias = '';
      const owner = aliasOwners.get(aliased) ?? '';
      lostNames.push({ modelId: owner, name: upstreamModel, ref: { providerId: draft.id, upstreamModel: aliased.upstreamModel }, reason: `is ${holderText({ modelId, kind: 'identifier' }, draft.id)}, which answers to it here` });
    }
    holders.set(`${draft.id}\n${upstreamModel}`, { modelId, kind: 'identifier' });
    const model = create(ProviderModelSchema, { upstreamModel, enabled: true });
    draft.models.push(model);
    return model;
  };

  const realModels = new Map<string, { ref: ModelRef; names: string[] }>();
  const undecryptableModels = new Map<string, string>();
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
      if (undecryptable.has(legacyProviderId)) undecryptableModels.set(id, legacyProviderId);
      if (!legacyIds.has(legacyProviderId)) {
        unmapped.push({ source, reason: `names provider "${legacyProviderId}", which does not exist; not imported` });
      }
      continue;
    }
    if (!isModelName(upstreamModel)) {
      unmapped.push({ source, reason: 'has no usable model_identifier (1–200 characters, no spaces, not starting with "/"); not imported' });
      continue;
    }
    const ref = { providerId: draft.id, upstreamModel };
    const model = ensureModel(draft, upstreamModel, id);
    const holder = holders.get(`${draft.id}\n${name}`);
    const extra = extraNames.get(name);
    let extraName = extra?.providerId === draft.id && extra.upstreamModel === upstreamModel;
    if (name === '' || name === upstreamModel || model.alias === name || extraName) {
      // Its identifier, or a name this model already has.
    } else if (!isModelName(name)) {
      lostNames.push({ modelId: id, name, ref, reason: 'is not a valid model name here (1–200 characters, no spaces, not starting with "/")' });
    } else if (holder) {
      lostNames.push({ modelId: id, name, ref, reason: `is ${holderText(holder, draft.id)}` });
    } else if (model.alias === '') {
      model.alias = name;
      aliasOwners.set(model, id);
      holders.set(`${draft.id}\n${name}`, { modelId: id, kind: 'name' });
    } else if (isRouteName(name) && !extraNames.has(name)) {
      // A second name for one upstream model: a one-target route of that name.
      extraNames.set(name, ref);
      extraName = true;
    } else {
      lostNames.push({ modelId: id, name, ref, reason: `is a second name of "${draft.id}/${upstreamModel}", which has the name "${model.alias}" here, and cannot be a route of its own` });
    }
    // Qualified, so a key bound to this model does not also reach another provider's model of the same id;
    // the gateway matches it for requests by alias or bare identifier too.
    realModels.set(id, { ref, names: [`${draft.id}/${upstreamModel}`, ...(extraName ? [name] : [])] });
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
    lostNames,
    undecryptable,
    undecryptableModels,
    providersFrom: (legacyProviderId) => [...(groups.get(legacyProviderId)?.values() ?? [])],
    protocolOf: (legacyProviderId, model) =>
      protocolByName.get(`${legacyProviderId}\n${model}`) ?? protocolByName.get(`\n${model}`) ?? 'openai',
    modelFor(legacyProviderId, upstreamModel, protocol) {
      const draft = ensureProvider(legacyProviderId, protocol ?? this.protocolOf(legacyProviderId, upstreamModel));
      if (!draft) return undefined;
      // An old alias sent upstream as-is would fail there; its model is what was meant.
      const byAlias = draft.models.find((model) => model.alias === upstreamModel);
      if (byAlias) return { providerId: draft.id, upstreamModel: byAlias.upstreamModel };
      ensureModel(draft, upstreamModel);
      return { providerId: draft.id, upstreamModel };
    },
  };
}
