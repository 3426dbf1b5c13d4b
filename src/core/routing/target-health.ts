// The live state of one target, as RoutesService.GetRouteHealth shows it.
export interface TargetHealthView {
  breaker: 'closed' | 'open' | 'half-open';
  /** EWMA of time to first byte (streams) or to the answer (unary); null before any sample. */
  latencyMs: number | null;
  /** Share of failed attempts in the breaker's window, 0–1. */
  errorRate: number;
  consecutiveFailures: number;
  /** While open: when a probe is let through (epoch ms). */
  openUntil: number | null;
  attempts: number;
}

export interface TargetHealthSource {
  healthOf(targetKey: string): TargetHealthView;
}
