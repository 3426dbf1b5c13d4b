// Extra headers whose name looks like a credential ("x-auth-token", "api-secret"…) are secrets: their
// values are stored sealed (core/secrets) and never shown by the admin API. One definition for all of
// them. (Error messages are stricter: every extra header's value of 8 characters or more is kept out
// of them, whatever its name — providers/shared/redact-credentials.ts.)
import { API_KEY_SHOWN_FROM_LENGTH } from './api-key-last4.js';

const CREDENTIAL_HEADER_NAME = /auth|key|token|secret/i;

export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADER_NAME.test(name);
}

/**
 * What the admin API shows instead of a credential header's value: "[redacted …1234]", or "[redacted]" for a
 * short value. "…" (written \u2026, see redact-credentials.ts) is not visible ASCII, so no real header value
 * can be mistaken for a marker: a marker sent back means "keep the value stored".
 */
export function hiddenHeaderValue(value: string | undefined): string {
  // As for the API key (its last 4): shorter values show nothing of themselves.
  return value !== undefined && value.length >= API_KEY_SHOWN_FROM_LENGTH ? `[redacted \u2026${value.slice(-4)}]` : '[redacted]';
}

const HIDDEN_HEADER_VALUE = /^\[redacted(?: \u2026[^\]]{4})?\]$/;

export function isHiddenHeaderValue(value: string): boolean {
  return HIDDEN_HEADER_VALUE.test(value);
}

/** Headers as the admin API shows them, from values in clear (what a file or an import compares with the API's answers). */
export function hideCredentialHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, isCredentialHeader(name) && !isHiddenHeaderValue(value) ? hiddenHeaderValue(value) : value]),
  );
}
