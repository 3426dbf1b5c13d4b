// The running configuration as a gateway.yaml: every provider, route, key
// policy (keys that are not revoked), prompt rule and health check, in the
// file's own field names, with short enum names and human durations. Secrets
// are references (${PROVIDER_API_KEY}), never values: applying the export
// again changes nothing.
import { Document, isMap, isScalar, visit } from 'yaml';
import type { AdminClients } from './admin-clients.js';
import type { JsonObject } from './compare-views.js';
import { humanDuration, parseDurationMs } from './durations.js';
import { healthCheckKind } from './kinds/health-check-kind.js';
import { keyKind } from './kinds/key-kind.js';
import type { ApplyContext, ObjectKind } from './kinds/kind.js';
import { promptRuleKind } from './kinds/prompt-rule-kind.js';
import { providerKind } from './kinds/provider-kind.js';
import { routeKind } from './kinds/route-kind.js';

type AnyKind = ObjectKind<unknown, unknown>;
const SECTIONS: AnyKind[] = [providerKind, routeKind, keyKind, promptRuleKind, healthCheckKind] as AnyKind[];

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

/** The running configuration as the file's document (snake_case proto JSON; enums and durations as proto JSON writes them). */
export async function exportConfigObject(clients: AdminClients): Promise<Record<string, unknown>> {
  const context: ApplyContext = { clients, keyIds: new Map(), keyNames: new Map(), createdSecrets: [], providerKeys: new Map() };
  const keys = await keyKind.list(context);
  for (const key of keys) context.keyNames.set(key.id, key.name);
  const file: Record<string, JsonObject[]> = {};
  for (const kind of SECTIONS) {
    const objects = kind === (keyKind as AnyKind) ? keys : await kind.list(context);
    file[kind.section] = objects.map((object) => kind.toFile(object, context));
  }
  return { ...file, prune: false };
}

export async function exportConfig(clients: AdminClients): Promise<string> {
  const document = new Document(await exportConfigObject(clients));
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
  const header = '# gateway.yaml exported from the running gateway. Provider keys are references:\n# set each ${…_API_KEY} variable where this file is applied.\n';
  return header + document.toString({ lineWidth: 0 });
}
