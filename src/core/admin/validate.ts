// Small validators shared by the admin services. Each throws an
// InvalidArgument GatewayError naming the field.
import { invalidArgument } from '../../domain/gateway-error.js';

export function requireText(field: string, value: string, options: { max: number; min?: number }): string {
  const trimmed = value.trim();
  if (trimmed.length < (options.min ?? 1)) throw invalidArgument(field, 'is required');
  if (trimmed.length > options.max) throw invalidArgument(field, `must be at most ${options.max} characters`);
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw invalidArgument(field, 'must not contain control characters');
  return trimmed;
}

export function optionalText(field: string, value: string, max: number): string {
  if (value.length > max) throw invalidArgument(field, `must be at most ${max} characters`);
  if (/[\u0000-\u001f\u007f]/.test(value)) throw invalidArgument(field, 'must not contain control characters');
  return value.trim();
}

export function requireNonNegativeInteger(field: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 0) throw invalidArgument(field, 'must be a whole number ≥ 0');
  if (value > max) throw invalidArgument(field, `must be at most ${max}`);
  return value;
}

export function requireNonNegativeNumber(field: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw invalidArgument(field, 'must be a finite number ≥ 0');
  return value;
}

/** An http(s) URL without credentials. Empty is allowed when not required. */
export function validateBaseUrl(field: string, value: string, required: boolean): string {
  const trimmed = value.trim();
  if (trimmed === '') {
    if (required) throw invalidArgument(field, 'is required for this provider type');
    return '';
  }
  if (trimmed.length > 2048) throw invalidArgument(field, 'must be at most 2048 characters');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw invalidArgument(field, 'must be an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidArgument(field, 'must be an absolute http:// or https:// URL');
  }
  if (url.username || url.password) throw invalidArgument(field, 'must not contain credentials (use api_key)');
  if (url.search || url.hash) throw invalidArgument(field, 'must not contain a query or fragment');
  return trimmed.replace(/\/+$/, '');
}

export function validateStringMap(
  field: string,
  map: Record<string, string>,
  limits: { maxEntries: number; maxKey: number; maxValue: number; keyPattern?: RegExp },
): Record<string, string> {
  const entries = Object.entries(map);
  if (entries.length > limits.maxEntries) throw invalidArgument(field, `must have at most ${limits.maxEntries} entries`);
  const result: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > limits.maxKey) {
      throw invalidArgument(`${field}[${JSON.stringify(key)}]`, `key must be 1–${limits.maxKey} characters`);
    }
    if (limits.keyPattern && !limits.keyPattern.test(key)) {
      throw invalidArgument(`${field}[${JSON.stringify(key)}]`, 'key has characters that are not allowed');
    }
    if (value.length > limits.maxValue) {
      throw invalidArgument(`${field}[${JSON.stringify(key)}]`, `value must be at most ${limits.maxValue} characters`);
    }
    if (/[\u0000-\u001f\u007f]/.test(value)) {
      throw invalidArgument(`${field}[${JSON.stringify(key)}]`, 'value must not contain control characters');
    }
    result[key] = value;
  }
  return result;
}

const MODEL_PATTERN = /^[A-Za-z0-9._:@/*?+-]+$/;

/** Allowed-model patterns: glob-style (`gpt-4o*`, `anthropic/*`). */
export function validateModelPatterns(field: string, patterns: string[]): string[] {
  if (patterns.length > 100) throw invalidArgument(field, 'must have at most 100 patterns');
  return patterns.map((pattern, index) => {
    const trimmed = pattern.trim();
    if (trimmed.length === 0 || trimmed.length > 200) throw invalidArgument(`${field}[${index}]`, 'must be 1–200 characters');
    if (!MODEL_PATTERN.test(trimmed)) {
      throw invalidArgument(`${field}[${index}]`, 'may contain letters, digits, . _ : @ / - + and the wildcards * ?');
    }
    return trimmed;
  });
}
