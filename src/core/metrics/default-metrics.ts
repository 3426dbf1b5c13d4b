// The process and Node.js metrics prom-client collects (CPU, memory and heap
// spaces, event-loop lag, GC durations, handles), under their usual names
// (process_*, nodejs_*) so stock Node.js dashboards read them as they are.
// Only a serving process adds them: they start an event-loop monitor and a GC
// observer for the life of the process.
import { collectDefaultMetrics, type Registry } from 'prom-client';

export function collectProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
}
