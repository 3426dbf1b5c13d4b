// Upstream error messages are kept so users can act on them, but they may echo
// a credential: OpenAI's 401 quotes a masked key ("sk-proj-****…abcd"), Google
// errors can carry `?key=` URLs, proxies echo "Bearer …". Everything that
// looks like a credential is replaced before a message leaves an adapter. One
// pattern set for every family, so a key pasted into the wrong provider's
// configuration is caught wherever it is echoed.
import { isCredentialHeader } from '../../domain/credential-headers.js';
import type { ProviderConnection } from '../../domain/provider-adapter.js';

const REDACTED = '[redacted]';
/** Longer messages are cut: an upstream can echo a whole request body. */
const MAX_LENGTH = 1000;
/** Any window this long of a secret counts as a quote of it (upstreams echo keys in part: "sk-ab…wxyz"). */
const SECRET_WINDOW = 8;
const WITHHELD = '(upstream message withheld: it quoted part of a credential)';

/**
 * Characters of a key or of its masked form ("…" written \u2026: a raw template keeps what it holds, and one
 * non-Latin-1 character in the bundle makes V8 keep the whole bundle's source in two bytes per character,
 * about 2 MB more memory); a trailing "." is left to the sentence.
 */
const KEY_CHARS = String.raw`[A-Za-z0-9_\-*.\u2026]*[A-Za-z0-9_\-*\u2026]`;

/** Each pattern's first group, when it has one, is a prefix that stays (`Bearer `, `?key=`). */
const CREDENTIAL_PATTERNS: RegExp[] = [
  /(\b(?:Bearer|Basic)\s+)\S+/gi,
  /([?&]key=)[^&\s"']+/g,
  /(x-goog-api-key["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
  // Google API keys.
  /AIza[0-9A-Za-z_-]{20,}/g,
  // Prefixed keys, masked or not (sk-…, sk-proj-…, sk-ant-…, pk-…, rk-…), also glued to a digit or
  // punctuation ("key:sk-…", "1sk-…"), but not the end of a word ("disk-full", "task-queue" stay).
  new RegExp(String.raw`(?<![A-Za-z])(?:sk|pk|rk)-(?=[A-Za-z0-9_\-*.\u2026]{3})${KEY_CHARS}`, 'gi'),
  // Masked fragments such as "****abcd".
  new RegExp(String.raw`[A-Za-z0-9_-]*\*{3,}(?:${KEY_CHARS})?`, 'g'),
  // Long opaque tokens: Azure keys are 32 hex characters; other keys mix digits and letters.
  /\b[A-Za-z0-9_-]{32,}\b/g,
  /\b[A-Za-z0-9_-]*\d[A-Za-z0-9_-]*[A-Za-z][A-Za-z0-9_-]{24,}\b/g,
];

export interface RedactedMessage {
  text: string;
  /** Something was redacted: a credential error then drops the upstream's text altogether. */
  hadSecret: boolean;
}

export function redactCredentials(message: string, secrets: readonly string[]): RedactedMessage {
  let text = message;
  let hadSecret = false;
  for (const secret of secrets) {
    if (secret.length >= 4 && text.includes(secret)) {
      text = text.split(secret).join(REDACTED);
      hadSecret = true;
    }
  }
  for (const pattern of CREDENTIAL_PATTERNS) {
    text = text.replace(pattern, (match: string, prefix?: unknown) => {
      hadSecret = true;
      return typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}${REDACTED}` : REDACTED;
    });
  }
  if (quotesPartOf(text, secrets)) return { text: WITHHELD, hadSecret: true };
  text = text.trim();
  return { text: text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH)}…` : text, hadSecret };
}

function quotesPartOf(message: string, secrets: readonly string[]): boolean {
  return secrets.some((secret) => {
    // Shorter secrets were replaced whole above (and a key under 4 characters protects nothing).
    for (let start = 0; start + SECRET_WINDOW <= secret.length; start += 1) {
      if (message.includes(secret.slice(start, start + SECRET_WINDOW))) return true;
    }
    return false;
  });
}

/**
 * Extra-header values this long are kept out of messages whatever the header's name: an operator's
 * header may carry a password under any name (x-custom-pass), and an upstream's 400 may quote the
 * request's headers. Shorter values ("v2", "true") are words that messages use on their own.
 */
const EXTRA_HEADER_SECRET_LENGTH = 8;

/**
 * The values no message may contain: the API key, the values of credential-like extra headers, and
 * every other extra header's value of EXTRA_HEADER_SECRET_LENGTH characters or more.
 */
export function connectionSecrets(connection: ProviderConnection): string[] {
  const headerValues = Object.entries(connection.extraHeaders)
    .filter(([name, value]) => isCredentialHeader(name) || value.length >= EXTRA_HEADER_SECRET_LENGTH)
    .map(([, value]) => value);
  return [connection.apiKey, ...headerValues].filter((secret) => secret.length > 0);
}
