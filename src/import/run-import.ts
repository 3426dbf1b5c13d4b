// One import run, whatever the source: read what the gateway holds, plan, and
// (unless a dry run) apply. The draft comes from the source's own importer.
import type { AdminClients } from '../declarative/admin-clients.js';
import { applyPlan, type CallOutcome } from './apply-plan.js';
import type { ImportDraft } from './import-draft.js';
import { planImport, type ImportPlan } from './import-plan.js';
import { loadExisting } from './load-existing.js';

export interface ImportRun {
  plan: ImportPlan;
  /** Undefined for a dry run. */
  outcomes?: CallOutcome[];
}

export async function runImport(draft: ImportDraft, clients: Pick<AdminClients, 'providers' | 'routes' | 'keys'>, dryRun: boolean): Promise<ImportRun> {
  const plan = planImport(draft, await loadExisting(clients));
  if (dryRun) return { plan };
  return { plan, outcomes: await applyPlan(plan, clients) };
}
