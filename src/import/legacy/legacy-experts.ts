// Old expert routing configs → expert routes: the LLM classifier becomes the
// judge, each category an expert (its criteria become the description the
// judge reads — the old gateway never sent them upstream either), the fallback
// model the fallback expert, preprocessing switches their counterparts.
import { create } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import {
  CreateRouteRequestSchema,
  ExpertClassifierType,
  ExpertPreprocessingSchema,
  ExpertRoutingSchema,
  ExpertSchema,
  RouteStrategy,
  type CreateRouteRequest,
  type Expert,
} from '../../../gen/llmgateway/v1/routes_service_pb.js';
import { cutToLength, singleLine } from '../gateway-text.js';
import type { Unmapped } from '../import-draft.js';
import type { LegacyCatalog, ModelRef } from './legacy-catalog.js';
import type { LegacyTables } from './legacy-database.js';
import type { LegacyRouteNames } from './legacy-names.js';
import { holdRoute, type HeldRoutes } from './legacy-routes.js';
import { asString, flag, isRecord, jsonColumn, text } from './legacy-rows.js';

type Target = { route: string } | ModelRef;

const CLASSIFIER_NOT_IMPORTED = ['prompt_template', 'system_prompt', 'max_tokens', 'temperature', 'enable_structured_output', 'ignored_tags', 'user_prompt_marker'];

export function legacyExpertRoutes(
  tables: LegacyTables,
  catalog: LegacyCatalog,
  routeNames: LegacyRouteNames,
  held: HeldRoutes,
  unmapped: Unmapped[],
): CreateRouteRequest[] {
  const virtualNames = routeNames.byVirtualModel;
  const routes: CreateRouteRequest[] = [];
  for (const row of tables.expert_routing_configs) {
    const id = text(row, 'id');
    const source = `expert_routing_configs[${id}]`;
    const name = routeNames.ofConfig('expert', id);
    const config = jsonColumn(row, 'config', source, unmapped);
    if (!isRecord(config)) {
      unmapped.push({ source, reason: 'has no readable config; not imported' });
      continue;
    }
    const skipped = new Set<string>();
    const resolve = (reference: unknown, field: string): Target | undefined => {
      if (!isRecord(reference)) return undefined;
      if (reference.type === 'virtual') {
        const modelId = asString(reference.model_id);
        const real = catalog.realModels.get(modelId);
        if (real) return real.ref;
        const route = virtualNames.get(modelId);
        if (route) return { route };
        const unrouted = routeNames.unrouted.get(modelId);
        if (unrouted !== undefined) {
          unmapped.push({ source: field, reason: `names the virtual model "${unrouted}", which has no route here (models[${modelId}])` });
          return undefined;
        }
        const provider = catalog.undecryptableModels.get(modelId);
        if (provider !== undefined) skipped.add(provider);
        unmapped.push({ source: field, reason: provider === undefined ? `names model "${modelId}", which does not exist` : `names model "${modelId}" of provider "${provider}", which was not imported` });
        return undefined;
      }
      const providerId = asString(reference.provider_id);
      const ref = catalog.modelFor(providerId, asString(reference.model));
      if (!ref) {
        if (catalog.undecryptable.has(providerId)) skipped.add(providerId);
        unmapped.push({ source: field, reason: `targets provider "${providerId}", which was not imported` });
      }
      return ref;
    };

    const experts: Expert[] = [];
    const usedNames = new Set<string>();
    const uniqueName = (wanted: string): string => {
      const base = wanted.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'expert';
      let candidate = base;
      for (let suffix = 2; usedNames.has(candidate.toLowerCase()); suffix += 1) candidate = `${base}-${suffix}`;
      usedNames.add(candidate.toLowerCase());
      return candidate;
    };
    (Array.isArray(config.experts) ? config.experts : []).forEach((expert, index) => {
      const field = `${source}.experts[${index}]`;
      if (!isRecord(expert)) return;
      const target = resolve(expert, field);
      if (!target) return unmapped.push({ source: field, reason: 'its model could not be imported; expert skipped' });
      const category = asString(expert.category) || `expert-${index + 1}`;
      const description = [asString(expert.description), asString(expert.system_prompt)].filter(Boolean).join('\n');
      experts.push(create(ExpertSchema, { name: uniqueName(category), description: cutToLength(description, 1000) || category, ...target }));
    });

    let fallbackExpert = '';
    const fallback = config.fallback === undefined || config.fallback === null ? undefined : resolve(config.fallback, `${source}.fallback`);
    if (fallback) {
      const same = experts.find((expert) => sameTarget(expert, fallback));
      fallbackExpert = same?.name ?? '';
      if (!same) {
        const expert = create(ExpertSchema, { name: uniqueName('fallback'), description: 'Anything no other category covers', ...fallback });
        experts.push(expert);
        fallbackExpert = expert.name;
      }
    }
    if (experts.length === 0) {
      unmapped.push({ source, reason: 'has no expert that could be imported; route not created' });
      if (skipped.size > 0) held.set(name, skipped);
      continue;
    }
    if (fallbackExpert === '') {
      fallbackExpert = experts[0]!.name;
      unmapped.push({ source: `${source}.fallback`, reason: `is missing or could not be imported (the old router answered an error); "${fallbackExpert}" is the fallback here` });
    }
    const classifier = isRecord(config.classifier) ? config.classifier : {};
    const judge = resolve(classifier, `${source}.classifier`);
    if (!judge) {
      unmapped.push({ source: `${source}.classifier`, reason: 'its model could not be imported; route not created' });
      if (skipped.size > 0) held.set(name, skipped);
      continue;
    }
    for (const setting of CLASSIFIER_NOT_IMPORTED.filter((key) => classifier[key] !== undefined)) {
      unmapped.push({ source: `${source}.classifier.${setting}`, reason: 'the judge here uses its own prompt and answer format; not imported' });
    }
    for (const ignored of ['semantic', 'heuristics'].filter((key) => isRecord(config.routing) && config.routing[key] !== undefined)) {
      unmapped.push({ source: `${source}.routing.${ignored}`, reason: 'was stored but unused by the old router; not imported' });
    }
    const timeout = Number(classifier.timeout);
    holdRoute(name, source, skipped, held, unmapped);
    routes.push(
      create(CreateRouteRequestSchema, {
        name,
        description: cutToLength(singleLine(text(row, 'description')), 1000) || `Imported from the old gateway's expert routing config "${text(row, 'name')}"`,
        strategy: RouteStrategy.EXPERT,
        enabled: flag(row, 'enabled', true),
        expert: create(ExpertRoutingSchema, {
          experts,
          fallbackExpert,
          classifier: {
            type: ExpertClassifierType.LLM,
            judgeModel: 'route' in judge ? judge.route : `${judge.providerId}/${judge.upstreamModel}`,
            ...(Number.isFinite(timeout) && timeout > 0 ? { timeout: durationFromMs(timeout) } : {}),
          },
          preprocessing: preprocessing(config.preprocessing, classifier),
        }),
      }),
    );
  }
  return routes;
}

function sameTarget(expert: Expert, target: Target): boolean {
  return 'route' in target ? expert.route === target.route : expert.providerId === target.providerId && expert.upstreamModel === target.upstreamModel;
}

function preprocessing(value: unknown, classifier: Record<string, unknown>) {
  const options = isRecord(value) ? value : {};
  const turns = Number(classifier.max_messages_to_classify);
  return create(ExpertPreprocessingSchema, {
    stripToolResults: options.strip_tools === true,
    stripAttachments: options.strip_files === true,
    // The old switch removed every fenced block; here blocks longer than N lines go, so N = 1 keeps only one-liners.
    stripCodeBlocksOverLines: options.strip_code_blocks === true ? 1 : 0,
    stripSystemPrompt: options.strip_system_prompt === true || classifier.ignore_system_messages === true,
    ...(Number.isInteger(turns) && turns > 1 ? { keepLastTurns: turns - 1 } : {}),
  });
}
