// The series whose label values are known in advance, exported at 0 from the
// start: Prometheus' rate() and increase() need a sample before a counter's
// first jump, so a series first scraped already holding its first burst (ten
// budget refusals at once) would never show that burst to an alert or a
// dashboard. Only fixed sets of values are exported here; series labelled by
// the configuration's providers, models and routes appear with their first
// request (the catalog loads on use, in each worker and replica, so no zero
// could be relied on to come first): the alerts on those count a series that
// appeared within their window with its whole value (deploy/prometheus/alerts.yml).
import type { RefusalKind } from '../request-log/request-outcome.js';
import type { Instruments } from './metric-definitions.js';

const REFUSAL_KINDS: readonly RefusalKind[] = ['requests', 'tokens', 'concurrency', 'budget'];
export const DATABASE_ERROR_KINDS = ['unavailable', 'constraint', 'other'] as const;
const CACHE_RESULTS = ['hit', 'miss'] as const;
const CONFIG_APPLY_REASONS = ['start', 'sighup'] as const;
const CONFIG_APPLY_RESULTS = ['ok', 'failed'] as const;

export function exportKnownSeriesAtZero(metrics: Instruments): void {
  for (const kind of REFUSAL_KINDS) metrics.refusals.inc({ kind }, 0);
  for (const kind of DATABASE_ERROR_KINDS) metrics.databaseErrors.inc({ kind }, 0);
  metrics.responsesNotStored.inc(0);
  for (const result of CACHE_RESULTS) metrics.cacheLookups.inc({ result }, 0);
  for (const reason of CONFIG_APPLY_REASONS) for (const result of CONFIG_APPLY_RESULTS) metrics.configFileApplies.inc({ reason, result }, 0);
}
