// What an edge knows about a request beyond its body: who sent it, from where,
// over which surface, and gateway-side options. The core fills `report` for
// the edge's response headers (rate limits, cache).
import { randomUUID } from 'node:crypto';
import type { RequestSurface } from '../../domain/request-log.js';
import type { RateLimitState } from '../limits/rate-limiter.js';
import type { RoutePlan } from '../routing/route-plan.js';

export interface RequestReport {
  /** The key's rate-limit numbers after this request (for x-ratelimit-* headers). */
  limits: RateLimitState | undefined;
  /** Whether the response cache was consulted, and whether it answered. */
  cache: 'hit' | 'miss' | undefined;
}

export interface RequestMeta {
  requestId: string;
  surface: RequestSurface;
  /** The client's address (X-Forwarded-For only from trusted proxies). */
  clientIp: string;
  userAgent: string;
  /** `x-session-id` on the shims; GatewayOptions.session_id wins on the RPC. */
  sessionId: string;
  /** `cache-control: no-cache | no-store` on the shims; GatewayOptions.cache_bypass on the RPC. */
  cacheBypass: boolean;
  /** Epoch ms when the request arrived. */
  receivedAt: number;
  /**
   * A model name the key's allowed-model patterns were already checked for:
   * set when an expert route (which the key may use) chose this target for it.
   */
  accessGrantedFor: string;
  /** The plan made for this request (so the pipeline plans it once). */
  planned?: { model: string; keyId: string; plan: RoutePlan };
  report: RequestReport;
}

export function requestMeta(fields: Partial<Omit<RequestMeta, 'report'>> & { surface: RequestSurface }): RequestMeta {
  return {
    requestId: fields.requestId || randomUUID(),
    surface: fields.surface,
    clientIp: fields.clientIp ?? '',
    userAgent: (fields.userAgent ?? '').slice(0, 300),
    sessionId: (fields.sessionId ?? '').slice(0, 200),
    cacheBypass: fields.cacheBypass ?? false,
    receivedAt: fields.receivedAt ?? Date.now(),
    accessGrantedFor: fields.accessGrantedFor ?? '',
    report: { limits: undefined, cache: undefined },
  };
}

/** `cache-control: no-cache` or `no-store` from the client skips the response cache. */
export function bypassesCache(cacheControl: string | undefined): boolean {
  return /(^|,)\s*no-(cache|store)\s*(,|$)/i.test(cacheControl ?? '');
}
