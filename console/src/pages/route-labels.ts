// Message keys for the route enums, shared by the routes page and its editor.
import { BreakerState, RouteStrategy } from '../../../gen/llmgateway/v1/routes_service_pb.js';

export const STRATEGY_LABELS: Record<number, string> = {
  [RouteStrategy.PRIORITY]: 'routes.priority',
  [RouteStrategy.WEIGHTED]: 'routes.weighted',
  [RouteStrategy.ROUND_ROBIN]: 'routes.roundRobin',
  [RouteStrategy.LEAST_LATENCY]: 'routes.leastLatency',
  [RouteStrategy.AFFINITY]: 'routes.affinity',
  [RouteStrategy.EXPERT]: 'routes.expertStrategy',
};

export const BREAKER_LABELS: Record<number, string> = {
  [BreakerState.CLOSED]: 'routes.closed',
  [BreakerState.OPEN]: 'routes.open',
  [BreakerState.HALF_OPEN]: 'routes.halfOpen',
};
