// How an error appears on a log line (`err`): pino's standard form, without what a database driver
// attaches to it — mysql2 puts the whole failed statement on `sql`, every value inlined (a stored
// response's documents are megabytes of base64), and the logs never carry a body (README "Logs").
// Long messages and stacks are cut: a driver message may quote a value too.
import { pino } from 'pino';

/** Properties that hold a statement or its values (mysql2: sql, sqlMessage; others: parameters, values). */
const STATEMENT_FIELDS = ['sql', 'sqlMessage', 'parameters', 'params', 'values', 'query', 'statement'];
export const MAX_ERROR_TEXT_LENGTH = 2000;
const MAX_DEPTH = 4;

export interface LoggedError {
  [name: string]: unknown;
  type: string;
  message: string;
  stack: string;
}

export function serializeError(error: Error): LoggedError {
  return withoutStatements(pino.stdSerializers.err(error), 0) as LoggedError;
}

function withoutStatements(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return capText(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((entry) => withoutStatements(entry, depth + 1));
  const result: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(value)) {
    if (!STATEMENT_FIELDS.includes(name)) result[name] = withoutStatements(entry, depth + 1);
  }
  return result;
}

function capText(text: string): string {
  return text.length <= MAX_ERROR_TEXT_LENGTH ? text : `${text.slice(0, MAX_ERROR_TEXT_LENGTH)}…[cut: ${text.length} characters]`;
}
