// The refusal of an upstream quota: the gateway's own 429 / RESOURCE_EXHAUSTED
// with retry-after, raised before any upstream call (so no breaker or retry
// counts it). It names the provider and the limit, never a key or a secret.
import { GatewayError } from '../../domain/gateway-error.js';

export type QuotaRefusalCause = 'queue_disabled' | 'queue_full' | 'max_wait';

export class UpstreamQuotaError extends GatewayError {
  /** Why it was refused: no queue, the queue full, or the wait too long. */
  readonly refusal: QuotaRefusalCause;

  constructor(message: string, cause: QuotaRefusalCause, provider: string, retryAfterSeconds: number) {
    super('resource_exhausted', message, { retryable: true, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)), provider });
    this.name = 'UpstreamQuotaError';
    this.refusal = cause;
  }
}
