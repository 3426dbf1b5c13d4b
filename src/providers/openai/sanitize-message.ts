// Upstream error messages are kept so users can act on them, but they may
// echo the credential: OpenAI's 401 says "Incorrect API key provided:
// sk-proj-****…abcd", proxies echo "Bearer …". Anything that looks like a
// key is replaced before the message leaves the adapter.
const REDACTED = '[redacted]';

const KEY_LIKE: RegExp[] = [
  // Prefixed keys, masked or not (sk-…, sk-proj-…, pk-…, rk-…).
  /\b(?:sk|pk|rk)-[A-Za-z0-9_\-*.…]{3,}/gi,
  // Masked fragments such as "****abcd".
  /[A-Za-z0-9_-]*\*{3,}[A-Za-z0-9_\-*.…]*/g,
  // Long opaque tokens (Azure keys are 32+ hex characters).
  /\b[A-Za-z0-9_-]{32,}\b/g,
];

export function sanitizeUpstreamMessage(message: string, secrets: string[]): string {
  let clean = message;
  for (const secret of secrets) {
    if (secret.length >= 4) clean = clean.split(secret).join(REDACTED);
  }
  clean = clean.replace(/\b(Bearer|Basic)\s+\S+/gi, `$1 ${REDACTED}`);
  for (const pattern of KEY_LIKE) clean = clean.replace(pattern, REDACTED);
  return clean.length > 1000 ? `${clean.slice(0, 1000)}…` : clean;
}
