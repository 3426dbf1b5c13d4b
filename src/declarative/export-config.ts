// The running configuration as a gateway.yaml: every provider, route, key
// policy (keys that are not revoked), prompt rule and health check, in the
// file's own field names, with short enum names and human durations. Secrets
// are references (${PROVIDER_API_KEY}), never values: applying the export
// again changes nothing. What could not be applied again is left out and
// listed in the file's header (export-selection.ts).
import { Document, isMap, isScalar, visit } from 'yaml';
import type { AdminClients } from './admin-clients.js';
import { apiKeyVariables, headerVariables } from './api-key-variables.js';
import type { JsonObject } from './compare-views.js';
import { humanDuration, parseDurationMs } from './durations.js';
import { selectExportable } from './export-selection.js';
import { readsOtherwiseInYaml11 } from './yaml-1-1-scalars.js';
import { healthCheckKind } from './kinds/health-check-kind.js';
import { keyKind } from './kinds/key-kind.js';
import type { ApplyContext } from './kinds/kind.js';
import { promptRuleKind } from './kinds/prompt-rule-kind.js';
import { providerKind } from './kinds/provider-kind.js';
import { routeKind } from './kinds/route-kind.js';

/** Enum values in proto JSON are SCREAMING_SNAKE with their enum's prefix; the file writes the short form. */
const ENUM_PREFIXES = [
  'PROVIDER_TYPE_',
  'ROUTE_STRATEGY_',
  'AFFINITY_SCOPE_',
  'EXPERT_CLASSIFIER_TYPE_',
  'BUDGET_UNIT_',
  'BUDGET_PERIOD_',
  'PROMPT_RULE_OPERATION_',
  'ROLE_',
];

/** The Duration fields of the file's messages: proto JSON ("300s", "0.200s") is written "5m", "200ms". */
const DURATION_FIELDS = new Set([
  'backoff_base', 'backoff_cap', 'attempt_timeout', 'total_deadline', 'affinity_ttl', 'max_retry_after',
  'decision_cache_ttl', 'timeout', 'interval',
]);

function shortEnum(value: string): string {
  const prefix = ENUM_PREFIXES.find((candidate) => value.startsWith(candidate) && /^[A-Z0-9_]+$/.test(value));
  return prefix ? value.slice(prefix.length).toLowerCase() : value;
}

export interface ExportedConfig {
  /** The file's document (snake_case proto JSON; enums and durations as proto JSON writes them). */
  document: Record<string, unknown>;
  /** What the gateway holds that the document leaves out, and why. */
  leftOut: string[];
}

/** The running configuration as the file's document, and what it leaves out. */
export async function exportConfigObject(clients: AdminClients, now = Date.now()): Promise<ExportedConfig> {
  const context: ApplyContext = { clients, keyIds: new Map(), keyNames: new Map(), createdSecrets: [], providerKeys: new Map(), providerHeaders: new Map() };
  const selection = selectExportable(
    {
      providers: await providerKind.list(context),
      routes: await routeKind.list(context),
      keys: await keyKind.list(context),
      promptRules: await promptRuleKind.list(context),
      healthChecks: await healthCheckKind.list(context),
    },
    now,
  );
  for (const key of selection.keys) context.keyNames.set(key.id, key.name);
  const variables = apiKeyVariables(selection.providers.map((provider) => provider.id));
  const headers = headerVariables(selection.providers, variables.values());
  const providers = selection.providers.map((provider) => {
    const view = providerKind.toFile(provider, context);
    if (view.api_key !== undefined) view.api_key = `\${${variables.get(provider.id)}}`;
    for (const [name, variable] of headers.get(provider.id) ?? []) (view.extra_headers as Record<string, string>)[name] = `\${${variable}}`;
    return view;
  });
  const document: Record<string, JsonObject[] | boolean> = {
    providers,
    routes: selection.routes.map((route) => routeKind.toFile(route, context)),
    keys: selection.keys.map((key) => keyKind.toFile(key, context)),
    prompt_rules: selection.promptRules.map((rule) => promptRuleKind.toFile(rule, context)),
    health_checks: selection.healthChecks.map((check) => healthCheckKind.toFile(check, context)),
    prune: false,
  };
  return { document, leftOut: selection.leftOut };
}

export async function exportConfig(clients: AdminClients, now = Date.now()): Promise<string> {
  return exportedText(await exportConfigObject(clients, now));
}

/**
 * The document as YAML: short enum names, human durations, what was left out in the header, and strings a
 * YAML 1.1 reader would take for booleans, nulls, numbers or dates quoted (yaml-1-1-scalars.ts).
 */
export function exportedText(exported: ExportedConfig): string {
  const document = new Document(exported.document);
  visit(document, {
    Scalar(key, node) {
      if (key !== 'key' && typeof node.value === 'string') node.value = shortEnum(node.value);
    },
  });
  visit(document, {
    Pair(_key, pair) {
      const name = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof name === 'string' && DURATION_FIELDS.has(name) && isScalar(pair.value) && typeof pair.value.value === 'string') {
        const milliseconds = parseDurationMs(pair.value.value);
        if (milliseconds !== undefined) pair.value.value = humanDuration(Math.round(milliseconds));
      }
      // Keep the api_key references readable ("${OPENAI_API_KEY}" needs no quoting in YAML).
      if (isScalar(pair.key) && pair.key.value === 'api_key' && isScalar(pair.value)) pair.value.type = 'PLAIN';
      if (isMap(pair.value) && pair.value.items.length === 0) pair.value.flow = true;
    },
  });
  // Keys and values alike: metadata `yes: no` would otherwise reach a YAML 1.1 reader as `{true: false}`.
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && readsOtherwiseInYaml11(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  const header = [
    '# gateway.yaml exported from the running gateway. Provider keys and credential-like extra headers are',
    '# references: set each ${…_API_KEY} (and header) variable where this file is applied.',
    ...(exported.leftOut.length === 0 ? [] : ['# Left out, as it could not be applied again:', ...exported.leftOut.map((line) => `#   - ${line.replace(/[\r\n]+/g, ' ')}`)]),
  ];
  return `${header.join('\n')}\n${document.toString({ lineWidth: 0 })}`;
}
