// Whether this page may call another origin at all. The console the gateway serves carries a CSP with
// `connect-src 'self'` (src/server/console-files.ts), so from it a "Gateway address" naming another
// gateway can never be reached: the sign-in page hides that field there. A console hosted elsewhere
// (no such policy) keeps it.

/** True when the policy's connect-src (or default-src) allows this origin at most. */
export function allowsOnlyOwnOrigin(policy: string | null | undefined): boolean {
  if (!policy) return false;
  const directives = new Map<string, string[]>();
  for (const directive of policy.split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources);
  }
  const sources = directives.get('connect-src') ?? directives.get('default-src');
  return sources !== undefined && sources.every((source) => source === "'self'" || source === "'none'");
}

/** Reads this page's own policy (a same-origin HEAD of the page); false when it cannot be read. */
export async function pageCallsOnlyOwnOrigin(): Promise<boolean> {
  try {
    const response = await fetch(globalThis.location.href, { method: 'HEAD', cache: 'no-store' });
    return allowsOnlyOwnOrigin(response.headers.get('content-security-policy'));
  } catch {
    return false;
  }
}
