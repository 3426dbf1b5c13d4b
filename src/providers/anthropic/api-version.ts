// The Messages API version a provider speaks, and what that version refuses
// (docs/provider-wire-formats.md, "Anthropic Messages, Request"). The gateway
// sends the version itself rather than leaving it to the SDK's default, so the
// converter's rules and the header on the wire cannot drift apart when the SDK
// is upgraded; a provider pins another one with an `anthropic-version` extra
// header.

/** What the gateway sends unless the provider pins a version (the SDK 1.x default). */
export const ANTHROPIC_API_VERSION = '2026-10-21';

/** From this version on, `temperature`, `top_p` and `top_k` are refused with 400, even at their defaults. */
const SAMPLING_REMOVED_IN = '2026-10-21';

const VERSION_HEADER = 'anthropic-version';
const DATED = /^\d{4}-\d{2}-\d{2}$/;

/** The version a provider's calls carry: its pinned `anthropic-version` extra header, else the gateway's. */
export function anthropicApiVersion(extraHeaders: Record<string, string>): string {
  for (const [name, value] of Object.entries(extraHeaders)) {
    if (name.toLowerCase() === VERSION_HEADER && value.trim() !== '') return value.trim();
  }
  return ANTHROPIC_API_VERSION;
}

/** The provider's extra headers with exactly one `anthropic-version`: the effective one. */
export function headersWithApiVersion(extraHeaders: Record<string, string>): Record<string, string> {
  const others = Object.entries(extraHeaders).filter(([name]) => name.toLowerCase() !== VERSION_HEADER);
  return { ...Object.fromEntries(others), [VERSION_HEADER]: anthropicApiVersion(extraHeaders) };
}

/**
 * Whether this version refuses the sampling fields. A value that is not a
 * date (not a version Anthropic publishes) is taken for the newest behaviour:
 * dropping with a warning is safer than a certain 400.
 */
export function refusesSampling(apiVersion: string): boolean {
  return !DATED.test(apiVersion) || apiVersion >= SAMPLING_REMOVED_IN;
}
