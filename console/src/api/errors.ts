// Turns an API failure into what the form shows: the gateway words validation failures as
// `field.path: message` (invalid_argument), so the message lands on the field it names.
import { Code, ConnectError } from '@connectrpc/connect';

export interface FormError {
  /** The proto field path the gateway named, e.g. `budget.amount` or `models[0].upstream_model`; '' when none. */
  field: string;
  message: string;
  code: Code;
}

const FIELD_MESSAGE = /^([a-z_][a-z0-9_]*(?:\[\d+\])?(?:\.[a-z_][a-z0-9_]*(?:\[\d+\])?)*): (.+)$/s;

export function toFormError(error: unknown): FormError {
  const connectError = ConnectError.from(error);
  const match = connectError.code === Code.InvalidArgument ? FIELD_MESSAGE.exec(connectError.rawMessage) : null;
  if (match) return { field: match[1]!, message: match[2]!, code: connectError.code };
  return { field: '', message: connectError.rawMessage, code: connectError.code };
}

/** Whether `field` is `path` itself or a field it lies under (`budget` for `budget.amount`, `models[1]` for `models[1].alias`). */
export function isAtOrAbove(field: string, path: string): boolean {
  return path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`);
}

/**
 * Where the form shows an error naming `path`: among the places it has (fields, rows), the most specific one
 * at or above it; undefined when none is (the form's banner then shows it, so no error is lost).
 */
export function placeOf(path: string, places: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const place of places) if (place !== '' && isAtOrAbove(place, path) && (best === undefined || place.length > best.length)) best = place;
  return best;
}
