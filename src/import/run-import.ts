// One import run, whatever the source: read what the gateway holds, plan, and
// (unless a dry run) apply. The draft comes from the source's own importer.
import type { AdminClients } from '../declarative/admin-clients.js';
import { applyPlan, type CallOutcome } from './apply-plan.js';
import type { ImportDraft } from './import-draft.js';
import { planImport, type ExistingObjects, type ImportPlan } from './import-plan.js';
import { loadExisting } from './load-existing.js';

export interface ImportRun {
  plan: ImportPlan;
  /** Undefined for a dry run. */
  outcomes?: CallOutcome[];
}

/** The draft, or how to make it from what the gateway holds (the Portkey and LiteLLM importers choose provider ids by it). */
export type DraftSource = ImportDraft | ((existing: ExistingObjects) => ImportDraft | Promise<ImportDraft>);

export async function runImport(source: DraftSource, clients: Pick<AdminClients, 'providers' | 'routes' | 'keys'>, dryRun: boolean): Promise<ImportRun> {
  const existing = await loadExisting(clients);
  const draft = typeof source === 'function' ? await source(existing) : source;
  const plan = planImport(draft, existing);
  if (dryRun) return { plan };
  return { plan, outcomes: await applyPlan(plan, clients) };
}
