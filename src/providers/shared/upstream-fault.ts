// What the families' pure mappers (and the upstream fetch) throw when an
// answer is unusable: a body or stream event that is empty, not JSON, or not
// the vendor's shape. Carries the taxonomy condition and the gateway's own
// words for it; map-error turns it into the GatewayError. Never an exception
// of the JavaScript runtime (a TypeError reading a field of `undefined`).
import type { UpstreamConditionType } from '../../domain/upstream-condition.js';

export type FaultCondition = Extract<UpstreamConditionType, 'empty_body' | 'malformed_body' | 'truncated_stream' | 'cut_short' | 'malformed_event'>;

export class UpstreamFault extends Error {
  constructor(
    readonly condition: FaultCondition,
    /** Which check failed, in the gateway's words (e.g. "no content array"). */
    readonly detail = '',
  ) {
    super(detail === '' ? condition : `${condition}: ${detail}`);
    this.name = 'UpstreamFault';
  }
}

/** `value` is a JSON object (not null, not an array, not a string the SDK handed over for a non-JSON body). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a parsed JSON value is instead of an object, in the gateway's words ("a JSON array"). */
export function jsonKindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a JSON array';
  if (value === null) return 'JSON null';
  return `a JSON ${typeof value}`;
}

/**
 * A unary answer: nothing at all is an empty body, anything but an object a malformed one. A string is
 * what an SDK hands over for a body not typed as JSON (read as text), so it is called text.
 */
export function requireAnswerObject(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null || value === '') throw new UpstreamFault('empty_body');
  if (!isJsonObject(value)) throw new UpstreamFault('malformed_body', typeof value === 'string' ? 'text rather than a JSON object' : `${jsonKindOf(value)} rather than an object`);
  return value;
}
