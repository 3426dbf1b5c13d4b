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

/** The error for `field` (exact, or a path below it such as `budget` for `budget.amount`). */
export function errorFor(error: FormError | undefined, field: string): string {
  if (!error || error.field === '') return '';
  return error.field === field || error.field.startsWith(`${field}.`) || error.field.startsWith(`${field}[`) ? error.message : '';
}
