// Applies a plan through the admin API, call by call in plan order (providers,
// then routes in dependency order, then keys). A failing call is recorded and
// the rest still run, except what depends on a failed object the gateway then
// refuses on its own; the caller reports every outcome.
import { ConnectError } from '@connectrpc/connect';
import type { AdminClients } from '../declarative/admin-clients.js';
import type { ImportPlan, PlannedCall } from './import-plan.js';

export interface CallOutcome {
  call: PlannedCall;
  /** Empty when the call succeeded. */
  error: string;
}

export async function applyPlan(plan: ImportPlan, clients: Pick<AdminClients, 'providers' | 'routes' | 'keys'>): Promise<CallOutcome[]> {
  const outcomes: CallOutcome[] = [];
  for (const call of plan.calls) {
    try {
      await perform(call, clients);
      outcomes.push({ call, error: '' });
    } catch (error) {
      // Admin errors never carry secrets (the gateway's rule), so they can be shown as they are.
      outcomes.push({ call, error: error instanceof ConnectError ? error.rawMessage : String(error) });
    }
  }
  return outcomes;
}

async function perform(call: PlannedCall, clients: Pick<AdminClients, 'providers' | 'routes' | 'keys'>): Promise<void> {
  if (call.kind === 'provider') {
    if (call.action === 'create') await clients.providers.createProvider(call.request);
    else await clients.providers.updateProvider(call.request);
  } else if (call.kind === 'route') {
    if (call.action === 'create') await clients.routes.createRoute(call.request);
    else await clients.routes.updateRoute(call.request);
  } else if (call.action === 'create') {
    await clients.keys.createKey(call.request);
  } else {
    await clients.keys.updateKey(call.request);
  }
}
