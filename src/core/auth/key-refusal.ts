// Why a virtual key was refused. Every refusal is a GatewayError of kind `unauthenticated` (401) or
// `permission_denied` (403), which is all the Connect, Anthropic and Gemini edges read; `reason` lets the
// OpenAI surface keep the codes of the gateway apps moved from (`missing_authorization`, `api_key_disabled`),
// as limit-errors.ts's `reason` tells a rate limit from a budget there.
import { GatewayError, type GatewayErrorKind } from '../../domain/gateway-error.js';

export type KeyRefusalReason = 'missing' | 'invalid' | 'rotated' | 'revoked' | 'disabled' | 'expired';

const KIND_OF: Record<KeyRefusalReason, GatewayErrorKind> = {
  missing: 'unauthenticated',
  invalid: 'unauthenticated',
  rotated: 'unauthenticated',
  revoked: 'permission_denied',
  disabled: 'permission_denied',
  expired: 'permission_denied',
};

export class KeyRefusedError extends GatewayError {
  readonly reason: KeyRefusalReason;

  constructor(reason: KeyRefusalReason, message: string) {
    super(KIND_OF[reason], message);
    this.name = 'KeyRefusedError';
    this.reason = reason;
  }
}

/** True when `error` refused a virtual key for this reason. */
export function isKeyRefusal(error: unknown, reason: KeyRefusalReason): error is KeyRefusedError {
  return error instanceof KeyRefusedError && error.reason === reason;
}
