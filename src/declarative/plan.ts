// The plan: what must be created, updated and deleted for the gateway to match
// a file, worked out from the gateway's current objects through the admin API —
// nothing is written. Every reference is checked before the first write
// (check-references.ts). Applying it (apply-plan.ts) runs its steps in order:
// creates and updates kind by kind (providers, routes in dependency order,
// keys, prompt rules, health checks), the removal of provider models that
// routes used until then (held-models.ts), then deletes in the reverse order.
import { create } from '@bufbuild/protobuf';
import {
  ConfigChangeAction,
  ConfigChangeSchema,
  type ConfigChange,
  type GatewayConfigFile,
  type ProviderConfig,
} from '../../gen/llmgateway/v1/gateway_config_pb.js';
import type { Provider } from '../../gen/llmgateway/v1/providers_service_pb.js';
import type { AdminClients } from './admin-clients.js';
import { checkReferences } from './check-references.js';
import { changedFields } from './compare-views.js';
import { ConfigFileError, type ConfigProblem } from './config-file-error.js';
import { heldModels, withHeldModels } from './held-models.js';
import { healthCheckKind } from './kinds/health-check-kind.js';
import { keyKind } from './kinds/key-kind.js';
import type { ApplyContext, ObjectKind } from './kinds/kind.js';
import { promptRuleKind } from './kinds/prompt-rule-kind.js';
import { providerKind } from './kinds/provider-kind.js';
import { routeDependencies, routeKind } from './kinds/route-kind.js';
import type { ConfigDocument } from './read-config-file.js';
import { resolveHeaderReferences } from './resolve-header-references.js';
import { resolveProviderKeys } from './resolve-provider-keys.js';

export interface PlanStep {
  change: ConfigChange;
  run: (context: ApplyContext) => Promise<void>;
}

export interface Plan {
  steps: PlanStep[];
  /** Objects the file names that already match it. */
  unchanged: number;
  /** Worth telling, not wrong (a key reference that is not set while the gateway holds a key). */
  warnings: string[];
  context: ApplyContext;
}

type AnyKind = ObjectKind<unknown, unknown>;

const KINDS: Array<{ kind: AnyKind; desired: (config: GatewayConfigFile) => unknown[] }> = [
  { kind: providerKind as AnyKind, desired: (config) => config.providers },
  { kind: routeKind as AnyKind, desired: (config) => orderRoutes(config.routes) },
  { kind: keyKind as AnyKind, desired: (config) => config.keys },
  { kind: promptRuleKind as AnyKind, desired: (config) => config.promptRules },
  { kind: healthCheckKind as AnyKind, desired: (config) => config.healthChecks },
];

/** Routes that others target come first (a cycle is left to the gateway to refuse). */
function orderRoutes(routes: GatewayConfigFile['routes']): GatewayConfigFile['routes'] {
  const byName = new Map(routes.map((route) => [route.name, route]));
  const ordered: GatewayConfigFile['routes'] = [];
  const visiting = new Set<string>();
  const visit = (route: GatewayConfigFile['routes'][number]) => {
    if (ordered.includes(route) || visiting.has(route.name)) return;
    visiting.add(route.name);
    for (const dependency of routeDependencies(route)) {
      const target = byName.get(dependency);
      if (target) visit(target);
    }
    ordered.push(route);
  };
  routes.forEach(visit);
  return ordered;
}

function change(kind: string, name: string, action: ConfigChangeAction, source: string, fields: string[] = []): ConfigChange {
  return create(ConfigChangeSchema, { kind, name, action, source, fields });
}

export interface PlanOptions {
  /** Where ${VAR} references are read (the CLI's environment, or the gateway's). */
  environment: NodeJS.ProcessEnv;
  /**
   * Provider id → API key given directly, for a configuration that did not come from a file (an importer
   * that decrypted the keys of another system); wins over the provider's api_key reference.
   */
  providerKeys?: ReadonlyMap<string, string>;
}

export async function planConfig(document: ConfigDocument, clients: AdminClients, options: PlanOptions): Promise<Plan> {
  const { config, sources } = document;
  const context: ApplyContext = { clients, keyIds: new Map(), keyNames: new Map(), createdSecrets: [], providerKeys: new Map(), providerHeaders: new Map() };
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const currentByKind = new Map<AnyKind, unknown[]>();
  for (const { kind } of KINDS) currentByKind.set(kind, await kind.list(context));

  for (const key of currentByKind.get(keyKind as AnyKind) as Awaited<ReturnType<typeof keyKind.list>>) {
    context.keyNames.set(key.id, key.name);
    context.keyIds.set(key.name, key.id);
  }
  const existingProviders = new Set((currentByKind.get(providerKind as AnyKind) as Array<{ id: string }>).map((provider) => provider.id));
  resolveProviderKeys(document, existingProviders, options.environment, { problems, warnings, keys: context.providerKeys });
  for (const [id, key] of options.providerKeys ?? []) context.providerKeys.set(id, key);
  resolveHeaderReferences(document, currentByKind.get(providerKind as AnyKind) as Provider[], options.environment, { problems, warnings, headers: context.providerHeaders });

  const upserts: PlanStep[] = [];
  const modelRemovals: PlanStep[] = [];
  const deletes: PlanStep[] = [];
  const planned = new Map<string, 'create' | string[]>();
  const pruned = new Map<string, Set<string>>();
  const currentOf = <Current>(kind: ObjectKind<unknown, Current>) => currentByKind.get(kind as AnyKind) as Current[];
  let unchanged = 0;
  for (const { kind, desired } of KINDS) {
    const current = currentByKind.get(kind)!;
    const currentByIdentity = new Map<string, unknown[]>();
    for (const object of current) {
      const identity = kind.identityOfCurrent(object, context);
      currentByIdentity.set(identity, [...(currentByIdentity.get(identity) ?? []), object]);
    }
    const section = desired(config);
    const named = new Set<string>();
    for (const object of section) {
      const identity = kind.identityOfDesired(object);
      named.add(identity);
      const index = (config[sectionField(kind.section)] as unknown[]).indexOf(object);
      const path = `${kind.section}[${index}]`;
      const source = sources.get(path) ?? document.file;
      // The plan names the object's line (the column is for problems inside it).
      const line = source.replace(/(:\d+):\d+$/, '$1');
      const matches = currentByIdentity.get(identity) ?? [];
      if (matches.length > 1) {
        problems.push({ source, path, message: `the gateway has ${matches.length} ${kind.kind}s named "${identity}": rename or delete all but one first` });
        continue;
      }
      const existing = matches[0];
      if (existing === undefined) {
        planned.set(path, 'create');
        upserts.push({ change: change(kind.kind, identity, ConfigChangeAction.CREATE, line), run: (applyContext) => kind.create(object, applyContext) });
        continue;
      }
      const impossible = kind.impossibleChange?.(object, existing);
      if (impossible) {
        problems.push({ source, path, message: impossible });
        continue;
      }
      const fields = [
        ...changedFields(kind.desiredView(object, context), kind.currentView(existing, context), kind.rules),
        ...(kind.extraChanges?.(object, existing, context) ?? []),
      ];
      if (fields.length === 0) {
        unchanged += 1;
        continue;
      }
      planned.set(path, fields);
      const held = kind === (providerKind as AnyKind) && fields.includes('models')
        ? heldModels(object as ProviderConfig, existing as Provider, currentOf(routeKind), currentOf(healthCheckKind))
        : [];
      if (held.length > 0) {
        const interim = withHeldModels(object as ProviderConfig, existing as Provider, held);
        const interimFields = [
          ...changedFields(kind.desiredView(interim, context), kind.currentView(existing, context), kind.rules),
          ...(kind.extraChanges?.(interim, existing, context) ?? []),
        ];
        if (interimFields.length > 0) {
          upserts.push({ change: change(kind.kind, identity, ConfigChangeAction.UPDATE, line, interimFields), run: (applyContext) => kind.update(interim, existing, interimFields, applyContext) });
        }
        modelRemovals.push({ change: change(kind.kind, identity, ConfigChangeAction.UPDATE, line, ['models']), run: (applyContext) => kind.update(object, existing, ['models'], applyContext) });
        continue;
      }
      upserts.push({
        change: change(kind.kind, identity, ConfigChangeAction.UPDATE, line, fields),
        run: (applyContext) => kind.update(object, existing, fields, applyContext),
      });
    }
    // prune: only kinds the file has a section for, so a file about routes never deletes keys.
    if (config.prune && sources.has(kind.section)) {
      for (const [identity, objects] of currentByIdentity) {
        if (named.has(identity)) continue;
        pruned.set(kind.section, (pruned.get(kind.section) ?? new Set()).add(identity));
        for (const object of objects) {
          deletes.unshift({ change: change(kind.kind, identity, ConfigChangeAction.DELETE, ''), run: (applyContext) => kind.delete(object, applyContext) });
        }
      }
    }
  }
  problems.push(
    ...checkReferences({
      config,
      sourceOf: (path) => sources.get(path) ?? document.file,
      current: {
        providers: currentOf(providerKind),
        routes: currentOf(routeKind),
        keys: context.keyNames,
        promptRules: currentOf(promptRuleKind),
        healthChecks: currentOf(healthCheckKind),
      },
      planned,
      pruned,
    }),
  );
  if (problems.length > 0) throw new ConfigFileError(problems);
  return { steps: [...upserts, ...modelRemovals, ...deletes], unchanged, warnings, context };
}

function sectionField(section: string): keyof GatewayConfigFile {
  return section.replace(/_(\w)/g, (_match, letter: string) => letter.toUpperCase()) as keyof GatewayConfigFile;
}
