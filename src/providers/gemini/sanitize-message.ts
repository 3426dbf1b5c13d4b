// Upstream messages may echo credentials (the key itself, a masked part of it,
// a `key=` query parameter). They are redacted before a message leaves the
// adapter; `hadSecret` lets a credential error drop the message altogether.

const KEY_LIKE = [
  /AIza[0-9A-Za-z_-]{20,}/g, // Google API keys
  /\bsk-[A-Za-z0-9_-]{8,}/g, // other vendors' keys pasted into the wrong provider
  /\b[\w-]*\*{3,}[\w-]*/g, // masked keys such as "AIza…***…wxyz"
  /([?&]key=)[^&\s"']+/g, // query-string keys
  /(x-goog-api-key["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
];

export function sanitizeMessage(message: string, apiKey: string): { text: string; hadSecret: boolean } {
  let text = message;
  let hadSecret = false;
  if (apiKey.length >= 4 && text.includes(apiKey)) {
    text = text.split(apiKey).join('[redacted]');
    hadSecret = true;
  }
  for (const pattern of KEY_LIKE) {
    text = text.replace(pattern, (match: string, prefix?: unknown) => {
      hadSecret = true;
      return typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}[redacted]` : '[redacted]';
    });
  }
  return { text: text.trim(), hadSecret };
}
