// The governance step of the response cache: a chat call of a key with the
// cache on is answered from the cache, or shares one upstream call with
// identical requests in flight — unless the client said otherwise, as HTTP's
// cache-control does: no-store (the cache neither read nor written), no-cache
// (not read, the fresh answer stored), both answered `x-gateway-cache: bypass`. Runs after the routing
// step (the cache key names the resolved model and the rewritten request) and
// before the budget step, which leaves a refusal to it when a stored answer —
// free — may still serve the call: then only a stored answer is served.
import { GatewayError } from '../../domain/gateway-error.js';
import { cacheKeyFor, resolvedModelOf } from '../cache/cache-key.js';
import type { ResponseCache } from '../cache/response-cache.js';
import { startCacheLookupSpan } from '../tracing/cache-lookup-span.js';
import type { StreamChunk } from '../../../gen/llmgateway/v1/chat_pb.js';
import type { GovernanceStep, StreamUpstream } from './governance-step.js';

/** `cache` absent: no response cache configured. */
export function cacheStep(cache: ResponseCache | undefined): GovernanceStep {
  return {
    enter(call, outcome) {
      if (cache === undefined || call.operation !== 'chat') return undefined;
      const { request, key, signal } = call;
      if (!key.cacheEnabled) return undefined;
      // no-store: the cache neither read nor written (x-gateway-cache says so).
      if (call.context.cacheBypass || request.gateway?.cacheBypass) {
        outcome.report.cache = 'bypass';
        return undefined;
      }
      if (!call.plan) throw new GatewayError('internal', 'the cache step needs the plan of the routing step before it');
      const mode = call.stream ? 'stream' : 'unary';
      const cacheKey = cacheKeyFor(request, { keyId: key.id, resolvedModel: resolvedModelOf(call.plan), mode });
      // no-cache: not served from the cache, the fresh answer stored for the requests after it.
      if (call.context.cacheRefresh || request.gateway?.cacheRefresh) {
        outcome.report.cache = 'bypass';
        return {
          complete: async (next) => (await cache.getOrCompute(cacheKey, next, { signal, refresh: true })).response,
          stream: (next) => cache.stream(cacheKey, next, { signal, refresh: true }).chunks,
        };
      }
      call.cacheKey = cacheKey;
      const trace = call.context.trace;
      return {
        async complete(next) {
          const lookup = trace && startCacheLookupSpan(trace, mode);
          // Refused unless stored (the budget step): a stored answer only, else the refusal — no upstream call.
          const refusal = call.refusedUnlessCached;
          const upstream: typeof next = refusal === undefined ? next : () => Promise.reject(refusal);
          // Traced: the lookup's span ends as a miss when this request's own upstream call starts.
          const compute: typeof next = lookup ? (shared) => (lookup.settle(false), upstream(shared)) : upstream;
          try {
            const cached = await cache.getOrCompute(cacheKey, compute, { signal, storedOnly: refusal !== undefined });
            lookup?.settle(cached.hit);
            outcome.cacheHit = cached.hit;
            outcome.report.cache = cached.hit ? 'hit' : 'miss';
            // A stored answer names the model its first request asked for (an alias and the full id share entries).
            if (cached.hit) cached.response.model = request.model;
            return cached.response;
          } finally {
            // Failed while waiting on an identical request's call (or left): no answer, a miss.
            lookup?.settle(false);
          }
        },
        stream(next) {
          const lookup = trace && startCacheLookupSpan(trace, mode);
          // A streamed hit is marked in its route events (route.cache_hit), which the outcome reads.
          const refusal = call.refusedUnlessCached;
          const open = refusal === undefined ? next : refusedStream(refusal);
          const cached = cache.stream(cacheKey, open, { signal, storedOnly: refusal !== undefined });
          lookup?.settle(cached.hit);
          outcome.report.cache = cached.hit ? 'hit' : 'miss';
          return servedAs(cached.chunks, outcome.report, request.model);
        },
      };
    },
  };
}

/**
 * The stream as this request is served it: its start names the model this request asked for (not the one of
 * the request that filled the entry), and its route events say whether it is a hit — a stream opened as a
 * miss may be a replay (the shared cache's entry, an identical request's call), and one that joined an
 * identical request's call becomes the payer when that request leaves before the usage (the flight's final
 * route event then comes unmarked). The last route event decides what the row and the metrics count.
 */
async function* servedAs(chunks: AsyncIterable<StreamChunk>, report: { cache?: string }, model: string): AsyncGenerator<StreamChunk> {
  for await (const chunk of chunks) {
    if (chunk.event.case === 'route') report.cache = chunk.event.value.cacheHit ? 'hit' : 'miss';
    else if (chunk.event.case === 'start') chunk.event.value.model = model;
    yield chunk;
  }
}

/** A stream that fails at its first read with `refusal` (nothing was sent, so the edge answers with its status). */
function refusedStream(refusal: unknown): StreamUpstream {
  // eslint-disable-next-line require-yield -- it only fails
  return async function* () {
    throw refusal;
  };
}
