// Bodies for the request log (only for keys that ask for them): credentials
// removed, size capped. Never throws — a body that cannot be serialised is
// logged as a placeholder rather than failing the request or the log row.
//
// Removed: the values of credential-named properties at any depth (Authorization,
// api_key/apiKey/x-api-key, access/refresh tokens, secrets, passwords, cookies),
// and anywhere in any string `sk-…` keys (OpenAI, Anthropic, the gateway's own
// sk-gw-), `Bearer …` credentials and Google `AIza…` keys. Bodies that are not
// valid JSON (e.g. already cut) are treated as text with the same patterns,
// including `"api_key": "…"`-style properties.

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
export const REDACTED = '[REDACTED]';

/** Names compared lower-cased without `-` and `_`. */
const CREDENTIAL_NAMES = new Set([
  'authorization',
  'proxyauthorization',
  'apikey',
  'xapikey',
  'xgoogapikey',
  'apikeys',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'authtoken',
  'apitoken',
  'bearertoken',
  'clientsecret',
  'secret',
  'password',
  'cookie',
  'setcookie',
  'privatekey',
]);
const CREDENTIAL_SUFFIXES = ['apikey', 'secret', 'password', 'accesstoken', 'authtoken', 'apitoken', 'privatekey'];

const TEXT_PATTERNS: Array<[RegExp, string]> = [
  [/\bsk-[A-Za-z0-9_-]{12,}/g, `sk-${REDACTED}`],
  [/\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi, `Bearer ${REDACTED}`],
  [/\bAIza[0-9A-Za-z_-]{30,}/g, REDACTED],
];

/** `"api_key": "…"` and friends inside text that is not parseable JSON. */
const PROPERTY_PATTERN = /("([A-Za-z0-9_-]{1,64})"\s*:\s*)"(?:[^"\\]|\\.)*("?)/g;

export function isCredentialName(name: string): boolean {
  const normalized = name.toLowerCase().replace(/[-_]/g, '');
  return CREDENTIAL_NAMES.has(normalized) || CREDENTIAL_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
}

/**
 * A log-safe body: a JSON string or a plain JSON value (for protobuf messages pass `toJson(schema, message)`),
 * redacted and cut to `maxBytes` of UTF-8 plus a truncation marker. null/undefined stay null.
 */
export function redactBody(body: unknown, maxBytes: number = DEFAULT_MAX_BODY_BYTES): string | null {
  if (body === null || body === undefined) return null;
  let text: string;
  try {
    text = typeof body === 'string' ? redactText(body) : serialise(redactValue(body));
  } catch {
    return '[body could not be serialised]';
  }
  return capBytes(text, maxBytes);
}

function redactText(text: string): string {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return serialise(redactValue(JSON.parse(text) as unknown));
    } catch {
      // Not JSON after all (or cut short): fall back to the text patterns below.
    }
  }
  const properties = text.replace(PROPERTY_PATTERN, (match, prefix: string, name: string, closing: string) =>
    isCredentialName(name) ? `${prefix}"${REDACTED}${closing}` : match,
  );
  return redactPatterns(properties);
}

function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactPatterns(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (Array.isArray(value)) return value.map((entry) => redactValue(entry, depth + 1));
  const result: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(value)) {
    result[name] = isCredentialName(name) && entry !== null && entry !== '' ? REDACTED : redactValue(entry, depth + 1);
  }
  return result;
}

function redactPatterns(text: string): string {
  let result = text;
  for (const [pattern, replacement] of TEXT_PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

function serialise(value: unknown): string {
  return JSON.stringify(value, (_name, entry: unknown) => (typeof entry === 'bigint' ? entry.toString() : entry)) ?? 'null';
}

/** Cuts at a character boundary so the result stays valid UTF-8, then says how much there was. */
export function capBytes(text: string, maxBytes: number): string {
  // A UTF-16 code unit is at most 3 bytes of UTF-8: short strings need no measuring.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1; // not inside a multi-byte character
  return `${bytes.subarray(0, end).toString('utf8')}…[truncated: ${bytes.length} bytes in total]`;
}
