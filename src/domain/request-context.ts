// What an edge knows about a request beyond its body: who sent it, from where,
// over which surface, and gateway-side options. Read-only: the core reads it
// and never writes back; what a request produced (rate-limit state, cache
// hit or miss) comes back in the result (core/completion/completion-call.ts).
import { randomUUID } from 'node:crypto';
import type { RequestSurface } from './request-log.js';
import type { TraceSpan } from './trace-span.js';

export interface RequestContext {
  readonly requestId: string;
  readonly surface: RequestSurface;
  /** The client's address (X-Forwarded-For only from trusted proxies). */
  readonly clientIp: string;
  readonly userAgent: string;
  /** `x-session-id` on the shims; GatewayOptions.session_id wins on the RPC. */
  readonly sessionId: string;
  /** Neither read nor write the response cache: `cache-control: no-store` on the shims; GatewayOptions.cache_bypass on the RPC. */
  readonly cacheBypass: boolean;
  /** Do not serve from the response cache, but store the fresh answer: `cache-control: no-cache` on the shims; GatewayOptions.cache_refresh on the RPC. */
  readonly cacheRefresh: boolean;
  /** Epoch ms when the request arrived. */
  readonly receivedAt: number;
  /** The span the gateway's own spans are children of; undefined when tracing is off. */
  readonly trace: TraceSpan | undefined;
  /** How the client's API names a canonical field, so that the request log keeps the error the client read; none: canonical names. */
  readonly fieldNames: ClientFieldNames | undefined;
  /**
   * Set on the calls an expert route's classifier makes for a request (the LLM judge, embeddings): that
   * route's name. Their request-log rows are the classifier's (operation `classify`, that route).
   */
  readonly classifierOf?: string;
}

/** A surface's names for the canonical fields an error names (`chat.messages[1].content` → `contents[0].parts`). */
export interface ClientFieldNames {
  /** A field error's message (`<canonical field>: <text>`) as the client's API words it. */
  errorMessage(message: string, field: string): string;
}

export function requestContext(fields: Partial<RequestContext> & { surface: RequestSurface }): RequestContext {
  return {
    requestId: fields.requestId || randomUUID(),
    surface: fields.surface,
    clientIp: fields.clientIp ?? '',
    userAgent: (fields.userAgent ?? '').slice(0, 300),
    sessionId: (fields.sessionId ?? '').slice(0, 200),
    cacheBypass: fields.cacheBypass ?? false,
    cacheRefresh: fields.cacheRefresh ?? false,
    receivedAt: fields.receivedAt ?? Date.now(),
    trace: fields.trace,
    fieldNames: fields.fieldNames,
    ...(fields.classifierOf === undefined ? {} : { classifierOf: fields.classifierOf }),
  };
}
