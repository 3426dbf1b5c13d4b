// The span of a response-cache lookup (kind internal, "cache lookup"): a hit,
// a miss (it ends as the upstream call starts, so the attempts that follow
// are its siblings, not its children), or a wait on an identical request's
// upstream call already in flight (it ends when that answer arrives).
import type { TraceSpan } from '../../domain/trace-span.js';
import { GATEWAY } from './gen-ai-attributes.js';

export interface CacheLookupSpan {
  /** Ends the span with the lookup's result; later calls are ignored. */
  settle(hit: boolean): void;
}

export function startCacheLookupSpan(parent: TraceSpan, mode: 'unary' | 'stream'): CacheLookupSpan {
  const span = parent.startChild('cache lookup', 'internal', { [GATEWAY.cacheMode]: mode });
  let settled = false;
  return {
    settle(hit) {
      if (settled) return;
      settled = true;
      span.setAttributes({ [GATEWAY.cacheHit]: hit });
      span.end();
    },
  };
}
