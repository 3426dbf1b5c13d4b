// One kind of object the file declares (providers, routes, prompt rules,
// health checks, keys): how it is named, seen, compared and written. The
// planner (plan.ts) and the exporter (export-config.ts) work on this only.
import type { AdminClients } from '../admin-clients.js';
import type { ComparisonRules, JsonObject } from '../compare-views.js';

/** What a kind's operations may need besides the clients. */
export interface ApplyContext {
  clients: AdminClients;
  /** Live key name → id, completed as keys are created (prompt rules scoped to keys need the id). */
  keyIds: Map<string, string>;
  /** Route names and key names by id, to name the scope of current prompt rules. */
  keyNames: Map<string, string>;
  /** Secrets of keys created by this apply, shown once by the CLI. */
  createdSecrets: Array<{ name: string; id: string; secret: string }>;
  /** Provider id → the API key the file refers to (resolved where the file is applied). */
  providerKeys: Map<string, string>;
  /** Provider id → its extra headers with ${VAR} references resolved (resolve-header-references.ts). */
  providerHeaders: Map<string, Record<string, string>>;
}

export interface ObjectKind<Desired, Current> {
  /** "provider", "route", … */
  kind: string;
  /** The file's section ("providers"). */
  section: string;
  /** Lower applies first; deletes run in reverse. */
  applyOrder: number;
  identityOfDesired(desired: Desired): string;
  identityOfCurrent(current: Current, context: ApplyContext): string;
  /** Everything the gateway has now. */
  list(context: ApplyContext): Promise<Current[]>;
  /** proto JSON (snake_case) of the same message for both sides. */
  desiredView(desired: Desired, context: ApplyContext): JsonObject;
  currentView(current: Current, context: ApplyContext): JsonObject;
  rules: ComparisonRules;
  /** Extra changed fields the views cannot show (a provider's API key). */
  extraChanges?(desired: Desired, current: Current, context: ApplyContext): string[];
  /** A change the gateway cannot make in place (a provider's type), worded for the author. */
  impossibleChange?(desired: Desired, current: Current): string | undefined;
  create(desired: Desired, context: ApplyContext): Promise<void>;
  update(desired: Desired, current: Current, fields: string[], context: ApplyContext): Promise<void>;
  delete(current: Current, context: ApplyContext): Promise<void>;
  /** The current object as the file would declare it (export). */
  toFile(current: Current, context: ApplyContext): JsonObject;
}
